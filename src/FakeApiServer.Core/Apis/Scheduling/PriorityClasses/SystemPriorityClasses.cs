using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;

namespace FakeApiServer.Apis.Scheduling.PriorityClasses;

/// <summary>
/// The priority classes every cluster has (pkg/apis/scheduling SystemPriorityClasses), created at start:
/// system-node-critical (2000001000) and system-cluster-critical (2000000000).
/// </summary>
internal static class SystemPriorityClasses
{
    private static readonly (string Name, long Value, string Description)[] Known =
    [
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
        ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
    ];

    public static IEnumerable<JsonObject> Objects() => Known.Select(k => new JsonObject
    {
        ["apiVersion"] = "scheduling.k8s.io/v1",
        ["kind"] = "PriorityClass",
        ["metadata"] = new JsonObject { ["name"] = k.Name },
        ["value"] = k.Value,
        ["description"] = k.Description,
        ["preemptionPolicy"] = "PreemptLowerPriority",
    });

    /// <summary>Upstream's refusal of a DELETE of a system class (the priorityclass REST.Delete), or null for any other name.</summary>
    public static ApiException? DeleteRefusal(string name) => Known.Any(k => k.Name == name)
        ? ApiException.Forbidden(new GroupResource("scheduling.k8s.io", "priorityclasses"), name, "this is a system priority class and cannot be deleted")
        : null;

    /// <summary>IsKnownSystemPriorityClass: null when the class is one of the built-in ones as they are, else upstream's error text.</summary>
    public static string? Check(string name, long value, bool globalDefault)
    {
        var known = Known.FirstOrDefault(k => k.Name == name);
        if (known.Name is null)
        {
            return name + " is not a known system priority class";
        }

        if (known.Value != value)
        {
            return string.Create(CultureInfo.InvariantCulture, $"value of {name} PriorityClass must be {known.Value}");
        }

        return globalDefault ? $"globalDefault of {name} PriorityClass must be false" : null;
    }
}
