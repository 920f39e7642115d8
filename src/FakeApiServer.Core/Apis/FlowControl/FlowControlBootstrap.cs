using System.Text.Json.Nodes;

namespace FakeApiServer.Apis.FlowControl;

/// <summary>
/// The mandatory API Priority and Fairness configuration kube-apiserver keeps in every cluster
/// (k8s.io/apiserver pkg/apis/flowcontrol/bootstrap): the exempt and catch-all priority levels and the flow schemas of
/// the same names, with the auto-update annotation. The suggested configuration is not created (see docs/resources.md).
/// </summary>
internal static class FlowControlBootstrap
{
    private const string AutoUpdate = "apf.kubernetes.io/autoupdate-spec";

    public static IEnumerable<JsonObject> PriorityLevels() =>
    [
        Object("PriorityLevelConfiguration", "exempt", new JsonObject
        {
            ["type"] = "Exempt",
            ["exempt"] = new JsonObject { ["nominalConcurrencyShares"] = 0, ["lendablePercent"] = 0 },
        }),
        Object("PriorityLevelConfiguration", "catch-all", new JsonObject
        {
            ["type"] = "Limited",
            ["limited"] = new JsonObject
            {
                ["nominalConcurrencyShares"] = 5,
                ["lendablePercent"] = 0,
                ["limitResponse"] = new JsonObject { ["type"] = "Reject" },
            },
        }),
    ];

    public static IEnumerable<JsonObject> FlowSchemas() =>
    [
        Object("FlowSchema", "exempt", new JsonObject
        {
            ["priorityLevelConfiguration"] = new JsonObject { ["name"] = "exempt" },
            ["matchingPrecedence"] = 1,
            ["rules"] = new JsonArray(Rule("system:masters")),
        }),
        Object("FlowSchema", "catch-all", new JsonObject
        {
            ["priorityLevelConfiguration"] = new JsonObject { ["name"] = "catch-all" },
            ["matchingPrecedence"] = 10000,
            ["distinguisherMethod"] = new JsonObject { ["type"] = "ByUser" },
            ["rules"] = new JsonArray(Rule("system:unauthenticated", "system:authenticated")),
        }),
    ];

    private static JsonObject Object(string kind, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = "flowcontrol.apiserver.k8s.io/v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = new JsonObject { [AutoUpdate] = "true" } },
        ["spec"] = spec,
    };

    /// <summary>A rule matching every request of the given groups.</summary>
    private static JsonObject Rule(params string[] groups) => new()
    {
        ["subjects"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["kind"] = "Group", ["group"] = new JsonObject { ["name"] = g } })]),
        ["resourceRules"] = new JsonArray(new JsonObject
        {
            ["verbs"] = new JsonArray("*"),
            ["apiGroups"] = new JsonArray("*"),
            ["resources"] = new JsonArray("*"),
            ["clusterScope"] = true,
            ["namespaces"] = new JsonArray("*"),
        }),
        ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
    };
}
