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
        // The writes are started in order and awaited together, so the store commits them in a few batches (one
        // transaction each) instead of one transaction per object; the namespaces first, which the rest are created in.
        var namespaces = catalog.Get("", "namespaces");
        await Task.WhenAll(SystemNamespaces.Where(name => namespaces.TryGet("", name) is null)
            .Select(name => CreateIgnoringExistingAsync(namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, cancellationToken))
            .ToList());

        var writes = new List<Task>();
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
            writes.Add(CreateIgnoringExistingAsync(services, "default", service, cancellationToken));
        }

        EnsureRbacPolicy(catalog, writes, cancellationToken);
        await Task.WhenAll(writes);
    }

    /// <summary>
    /// The bootstrap RBAC policy, when rbac.authorization.k8s.io is served, reconciled as kube-apiserver does at every
    /// start (<see cref="PolicyReconciliation"/>): missing objects are created, stored ones repaired unless they opt out.
    /// Aggregated roles are created with their rules already gathered, so they are usable before (or without) the
    /// aggregation controller. The namespaced Roles and RoleBindings (<see cref="NamespacePolicy"/>) follow the same rules.
    /// The writes are added to <paramref name="writes"/>, started in order.
    /// </summary>
    private static void EnsureRbacPolicy(ResourceCatalog catalog, List<Task> writes, CancellationToken cancellationToken)
    {
        if (catalog.Find(RbacPolicy.Group, "v1", "clusterroles") is not { } roles
            || catalog.Find(RbacPolicy.Group, "v1", "clusterrolebindings") is not { } bindings)
        {
            return;
        }

        var known = new List<JsonObject>();
        foreach (var role in BootstrapPolicy.ClusterRoles())
        {
            known.Add(EnsureRole(roles, "", role, known, writes, cancellationToken));
        }

        foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
        {
            EnsureBinding(bindings, "", binding, writes, cancellationToken);
        }

        if (catalog.Find(RbacPolicy.Group, "v1", "roles") is { } namespacedRoles
            && catalog.Find(RbacPolicy.Group, "v1", "rolebindings") is { } namespacedBindings)
        {
            foreach (var role in NamespacePolicy.Roles())
            {
                EnsureRole(namespacedRoles, role.Namespace(), role, [], writes, cancellationToken);
            }

            foreach (var binding in NamespacePolicy.RoleBindings())
            {
                EnsureBinding(namespacedBindings, binding.Namespace(), binding, writes, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Starts the creation of the role when missing (an aggregated one with the rules of the <paramref name="known"/>
    /// roles it gathers), else its repair; returns the role as it is once written.
    /// </summary>
    private static JsonObject EnsureRole(
        ResourceStore roles, string ns, JsonObject role, IReadOnlyList<JsonObject> known, List<Task> writes, CancellationToken cancellationToken)
    {
        if (roles.TryGet(ns, role.Name()) is { } stored)
        {
            var existing = ObjectJson.Parse(stored.Value);
            if (PolicyReconciliation.ReconcileRole(existing, role) is not { } reconciled)
            {
                return existing;
            }

            writes.Add(roles.UpdateAsync(ns, role.Name(), current => PolicyReconciliation.ReconcileRole(current, role) ?? current,
                roles.Definition.Strategy, new WriteOptions(), cancellationToken));
            return reconciled;
        }

        if (AggregatedRules.For(role, known) is { } rules)
        {
            role["rules"] = rules;
        }

        var created = (JsonObject)role.DeepClone();
        writes.Add(CreateIgnoringExistingAsync(roles, ns, role, cancellationToken));
        return created;
    }

    /// <summary>Starts the creation of the binding when missing, else its repair.</summary>
    private static void EnsureBinding(ResourceStore bindings, string ns, JsonObject binding, List<Task> writes, CancellationToken cancellationToken)
    {
        if (bindings.TryGet(ns, binding.Name()) is not { } stored)
        {
            writes.Add(CreateIgnoringExistingAsync(bindings, ns, binding, cancellationToken));
        }
        else if (PolicyReconciliation.ReconcileBinding(ObjectJson.Parse(stored.Value), binding) is { } reconciled)
        {
            writes.Add(ReplaceBindingAsync(bindings, ns, binding, reconciled.Binding, reconciled.Recreate, cancellationToken));
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
