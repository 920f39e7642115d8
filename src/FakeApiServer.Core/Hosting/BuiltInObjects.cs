using System.Text.Json.Nodes;
using FakeApiServer.Apis.ApiRegistration;
using FakeApiServer.Apis.Core.ComponentStatuses;
using FakeApiServer.Apis.FlowControl;
using FakeApiServer.Apis.Scheduling.PriorityClasses;
using FakeApiServer.Registry;

namespace FakeApiServer.Hosting;

/// <summary>
/// The objects of the newer built-in kinds that every kube-apiserver keeps (created when missing, as its post-start hooks
/// do): the system priority classes, the mandatory flow control configuration, the component statuses, and one Local
/// APIService per served group/version (kube-aggregator's autoregistration), Available.
/// </summary>
internal static class BuiltInObjects
{
    /// <summary>kube-aggregator's group and version priorities of the built-in group versions (unknown ones: 15000 and 1).</summary>
    private static readonly Dictionary<(string Group, string Version), (int Group, int Version)> Priorities = new()
    {
        [("", "v1")] = (18000, 1),
        [("apiregistration.k8s.io", "v1")] = (18000, 15),
        [("apps", "v1")] = (17800, 15),
        [("events.k8s.io", "v1")] = (17750, 15),
        [("authentication.k8s.io", "v1")] = (17700, 15),
        [("authentication.k8s.io", "v1beta1")] = (17700, 9),
        [("authorization.k8s.io", "v1")] = (17600, 15),
        [("autoscaling", "v1")] = (17500, 15),
        // metrics-server's APIService (its manifests' priorities).
        [("metrics.k8s.io", "v1beta1")] = (100, 100),
        [("autoscaling", "v2")] = (17500, 30),
        [("batch", "v1")] = (17400, 15),
        [("certificates.k8s.io", "v1")] = (17300, 15),
        [("networking.k8s.io", "v1")] = (17200, 15),
        [("networking.k8s.io", "v1alpha1")] = (17200, 1),
        [("policy", "v1")] = (17100, 15),
        [("rbac.authorization.k8s.io", "v1")] = (17000, 15),
        [("storage.k8s.io", "v1")] = (16800, 15),
        [("admissionregistration.k8s.io", "v1")] = (16700, 15),
        [("apiextensions.k8s.io", "v1")] = (16700, 15),
        [("scheduling.k8s.io", "v1")] = (16600, 15),
        [("coordination.k8s.io", "v1")] = (16500, 15),
        [("node.k8s.io", "v1")] = (16300, 15),
        [("discovery.k8s.io", "v1")] = (16200, 15),
        [("flowcontrol.apiserver.k8s.io", "v1")] = (16100, 21),
    };

    public static async Task EnsureAsync(ResourceCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        // Started in order and awaited together, so the store commits them in a few batches, not one transaction each.
        var writes = new List<Task>();
        EnsureAll(catalog.Find("scheduling.k8s.io", "v1", "priorityclasses"), SystemPriorityClasses.Objects(), writes, cancellationToken);
        EnsureAll(catalog.Find(FlowControlGroup.Name, "v1", "prioritylevelconfigurations"), FlowControlBootstrap.PriorityLevels(), writes, cancellationToken);
        EnsureAll(catalog.Find(FlowControlGroup.Name, "v1", "flowschemas"), FlowControlBootstrap.FlowSchemas(), writes, cancellationToken);
        EnsureAll(catalog.Find("", "v1", "componentstatuses"), ComponentStatuses.Objects(), writes, cancellationToken);
        var created = new List<string>();
        var apiServices = catalog.Find(ApiRegistrationGroup.Name, "v1", "apiservices");
        if (apiServices is not null)
        {
            var groupVersions = catalog.All.Where(s => s.Definition.Owner is null)
                .Select(s => (s.Definition.Group, s.Definition.Version)).Distinct().ToList();
            foreach (var (group, version) in groupVersions)
            {
                if (CreateApiService(apiServices, group, version, cancellationToken) is { } create)
                {
                    writes.Add(create);
                    created.Add(version + "." + group);
                }
            }
        }

        await Task.WhenAll(writes);
        if (apiServices is not null)
        {
            await Task.WhenAll(created.Select(name => MakeAvailableAsync(apiServices, name, time, cancellationToken)).ToList());
        }
    }

    private static void EnsureAll(ResourceStore? store, IEnumerable<JsonObject> objects, List<Task> writes, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return;
        }

        foreach (var obj in objects)
        {
            if (store.TryGet("", obj.Name()) is null)
            {
                writes.Add(Bootstrap.CreateIgnoringExistingAsync(store, "", obj, cancellationToken));
            }
        }
    }

    /// <summary>Starts the creation of the group version's Local APIService when missing; null when it exists.</summary>
    private static Task? CreateApiService(ResourceStore apiServices, string group, string version, CancellationToken cancellationToken)
    {
        var name = version + "." + group;
        if (apiServices.TryGet("", name) is not null)
        {
            return null;
        }

        var (groupPriority, versionPriority) = Priorities.GetValueOrDefault((group, version), (15000, 1));
        var spec = new JsonObject { ["version"] = version, ["groupPriorityMinimum"] = groupPriority, ["versionPriority"] = versionPriority };
        if (group.Length > 0)
        {
            spec["group"] = group;
        }

        return Bootstrap.CreateIgnoringExistingAsync(apiServices, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec }, cancellationToken);
    }

    /// <summary>Sets the Available condition of a Local APIService just created.</summary>
    private static async Task MakeAvailableAsync(ResourceStore apiServices, string name, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Available",
                ["status"] = "True",
                ["lastTransitionTime"] = ObjectMeta.FormatTime(time.GetUtcNow()),
                ["reason"] = "Local",
                ["message"] = "Local APIServices are always available",
            }),
        };
        await apiServices.UpdateAsync("", name, current =>
        {
            current["status"] = status.DeepClone();
            return current;
        }, apiServices.Definition.StatusStrategy!, new WriteOptions { Subresource = "status" }, cancellationToken);
    }
}
