using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.ClusterRoleAggregation;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Hosting;

/// <summary>
/// The objects every cluster has from the start, created through the registry when missing (so a restart on an
/// existing data folder keeps what is there): the four system namespaces, the `kubernetes` service and the
/// bootstrap RBAC policy.
/// </summary>
internal static class Bootstrap
{
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureAsync(ResourceCatalog catalog, string kubernetesServiceIp, int port, CancellationToken cancellationToken)
    {
        var namespaces = catalog.Get("", "namespaces");
        foreach (var name in SystemNamespaces)
        {
            if (namespaces.TryGet("", name) is null)
            {
                await CreateIgnoringExistingAsync(namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, cancellationToken);
            }
        }

        var services = catalog.Get("", "services");
        if (services.TryGet("default", "kubernetes") is null)
        {
            var service = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = "kubernetes",
                    ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
                },
                ["spec"] = new JsonObject
                {
                    ["clusterIP"] = kubernetesServiceIp,
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = port > 0 ? port : 6443 }),
                },
            };
            await CreateIgnoringExistingAsync(services, "default", service, cancellationToken);
        }

        await EnsureRbacPolicyAsync(catalog, cancellationToken);
    }

    /// <summary>
    /// The bootstrap RBAC policy, when rbac.authorization.k8s.io is served, reconciled as kube-apiserver does at every
    /// start (<see cref="PolicyReconciliation"/>): missing objects are created, stored ones repaired unless they opt out.
    /// Aggregated roles are created with their rules already gathered, so they are usable before (or without) the
    /// aggregation controller. The namespaced Roles and RoleBindings (<see cref="NamespacePolicy"/>) follow the same rules.
    /// </summary>
    private static async Task EnsureRbacPolicyAsync(ResourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (catalog.Find(RbacPolicy.Group, "v1", "clusterroles") is not { } roles
            || catalog.Find(RbacPolicy.Group, "v1", "clusterrolebindings") is not { } bindings)
        {
            return;
        }

        var known = new List<JsonObject>();
        foreach (var role in BootstrapPolicy.ClusterRoles())
        {
            if (await EnsureRoleAsync(roles, "", role, known, cancellationToken) is { } existing)
            {
                known.Add(existing);
            }
        }

        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            await EnsureBindingAsync(bindings, "", binding, cancellationToken);
        }

        if (catalog.Find(RbacPolicy.Group, "v1", "roles") is { } namespacedRoles
            && catalog.Find(RbacPolicy.Group, "v1", "rolebindings") is { } namespacedBindings)
        {
            foreach (var role in NamespacePolicy.Roles())
            {
                await EnsureRoleAsync(namespacedRoles, role.Namespace(), role, [], cancellationToken);
            }

            foreach (var binding in NamespacePolicy.RoleBindings())
            {
                await EnsureBindingAsync(namespacedBindings, binding.Namespace(), binding, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Creates the role when missing (an aggregated one with the rules of the <paramref name="known"/> roles it
    /// gathers), else repairs it; returns the role as it now is.
    /// </summary>
    private static async Task<JsonObject?> EnsureRoleAsync(
        ResourceStore roles, string ns, JsonObject role, IReadOnlyList<JsonObject> known, CancellationToken cancellationToken)
    {
        if (roles.TryGet(ns, role.Name()) is { } stored)
        {
            var existing = ObjectJson.Parse(stored.Value);
            if (PolicyReconciliation.ReconcileRole(existing, role) is not null)
            {
                var updated = await roles.UpdateAsync(ns, role.Name(), current => PolicyReconciliation.ReconcileRole(current, role) ?? current,
                    roles.Definition.Strategy, new WriteOptions(), cancellationToken);
                existing = ObjectJson.Parse(updated.Value);
            }

            return existing;
        }

        if (AggregatedRules.For(role, known) is { } rules)
        {
            role["rules"] = rules;
        }

        var created = (JsonObject)role.DeepClone();
        await CreateIgnoringExistingAsync(roles, ns, role, cancellationToken);
        return created;
    }

    /// <summary>Creates the binding when missing, else repairs it.</summary>
    private static async Task EnsureBindingAsync(ResourceStore bindings, string ns, JsonObject binding, CancellationToken cancellationToken)
    {
        if (bindings.TryGet(ns, binding.Name()) is not { } stored)
        {
            await CreateIgnoringExistingAsync(bindings, ns, binding, cancellationToken);
        }
        else if (PolicyReconciliation.ReconcileBinding(ObjectJson.Parse(stored.Value), binding) is { } reconciled)
        {
            await ReplaceBindingAsync(bindings, ns, binding, reconciled.Binding, reconciled.Recreate, cancellationToken);
        }
    }

    /// <summary>Writes a repaired binding: an update, or (its roleRef being immutable) a delete and a fresh create.</summary>
    private static async Task ReplaceBindingAsync(
        ResourceStore bindings, string ns, JsonObject expected, JsonObject binding, bool recreate, CancellationToken cancellationToken)
    {
        if (!recreate)
        {
            await bindings.UpdateAsync(ns, binding.Name(), current => PolicyReconciliation.ReconcileBinding(current, expected)?.Binding ?? current,
                bindings.Definition.Strategy, new WriteOptions(), cancellationToken);
            return;
        }

        await bindings.DeleteAsync(ns, binding.Name(), new DeleteOptions(), cancellationToken);
        var metadata = (JsonObject)binding["metadata"]!;
        var fresh = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = binding.Name(), ["labels"] = metadata["labels"]?.DeepClone(), ["annotations"] = metadata["annotations"]?.DeepClone() },
            ["roleRef"] = binding["roleRef"]?.DeepClone(),
        };
        if (binding["subjects"] is JsonArray subjects)
        {
            fresh["subjects"] = subjects.DeepClone();
        }

        await CreateIgnoringExistingAsync(bindings, ns, fresh, cancellationToken);
    }

    internal static async Task CreateIgnoringExistingAsync(ResourceStore store, string ns, JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(ns, obj, new WriteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created meanwhile: what we wanted.
        }
        catch (ApiException)
        {
            // With several replicas on one etcd, another may have created it a moment ago, and what that one allocated
            // (the kubernetes Service's cluster IP) is then taken here: fine once the object is there.
            if (await store.TryGetConsistentAsync(ns, obj.Name(), cancellationToken) is null)
            {
                throw;
            }
        }
    }
}
