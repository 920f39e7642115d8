using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.NodeLifecycle;

/// <summary>
/// The taints the node lifecycle controller owns (upstream's nodeConditionToTaintKeyStatusMap and the NoExecute
/// templates), and adding or removing them on a Node as the controller utilities do: a taint is matched by key and
/// effect, an added one is stamped with timeAdded, and an empty list is dropped.
/// </summary>
internal static class NodeTaints
{
    public const string NotReady = "node.kubernetes.io/not-ready";

    public const string Unreachable = "node.kubernetes.io/unreachable";

    public const string Unschedulable = "node.kubernetes.io/unschedulable";

    public const string NoSchedule = "NoSchedule";

    public const string NoExecute = "NoExecute";

    /// <summary>Which condition status gives which NoSchedule taint (node.kubernetes.io/&lt;key&gt;).</summary>
    private static readonly (string Condition, string Status, string Taint)[] ConditionTaints =
    [
        ("Ready", "False", NotReady),
        ("Ready", "Unknown", Unreachable),
        ("MemoryPressure", "True", "node.kubernetes.io/memory-pressure"),
        ("DiskPressure", "True", "node.kubernetes.io/disk-pressure"),
        ("NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable"),
        ("PIDPressure", "True", "node.kubernetes.io/pid-pressure"),
    ];

    /// <summary>The node's taints (the stored objects: do not change them).</summary>
    public static IEnumerable<JsonObject> Of(JsonObject node) => (node["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>Whether the node has a taint of <paramref name="key"/> and <paramref name="effect"/> (upstream's TaintExists).</summary>
    public static bool Has(JsonObject node, string key, string effect) => Of(node).Any(t => Matches(t, key, effect));

    /// <summary>The NoSchedule taints the node's conditions and spec.unschedulable call for (doNoScheduleTaintingPass).</summary>
    public static IReadOnlyList<string> WantedNoSchedule(JsonObject node)
    {
        var wanted = new List<string>();
        foreach (var condition in (node["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var (type, status) = (condition.GetString("type"), condition.GetString("status"));
            wanted.AddRange(ConditionTaints.Where(c => c.Condition == type && c.Status == status).Select(c => c.Taint));
        }

        if (node["spec"]?["unschedulable"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            wanted.Add(Unschedulable);
        }

        return wanted;
    }

    /// <summary>The node's NoSchedule taints this controller manages: the condition taints and the unschedulable one.</summary>
    public static IReadOnlyList<string> ManagedNoSchedule(JsonObject node) =>
        Of(node).Where(t => t.GetString("effect") == NoSchedule)
            .Select(t => t.GetString("key") ?? "")
            .Where(k => k == Unschedulable || ConditionTaints.Any(c => c.Taint == k))
            .ToList();

    /// <summary>
    /// Adds each of <paramref name="add"/> (key, effect) the node lacks, stamped <paramref name="now"/>, and removes every
    /// taint matching one of <paramref name="remove"/> (SwapNodeControllerTaint). Returns whether anything changed.
    /// </summary>
    public static bool Swap(JsonObject node, IEnumerable<(string Key, string Effect)> add, IEnumerable<(string Key, string Effect)> remove, DateTimeOffset now)
    {
        var spec = node.ChildObject("spec");
        if (spec["taints"] is not JsonArray taints)
        {
            taints = [];
            spec["taints"] = taints;
        }

        var changed = false;
        foreach (var (key, effect) in remove)
        {
            foreach (var taint in taints.OfType<JsonObject>().Where(t => Matches(t, key, effect)).ToList())
            {
                taints.Remove(taint);
                changed = true;
            }
        }

        foreach (var (key, effect) in add)
        {
            if (!taints.OfType<JsonObject>().Any(t => Matches(t, key, effect)))
            {
                taints.Add(new JsonObject { ["key"] = key, ["effect"] = effect, ["timeAdded"] = ObjectMeta.FormatTime(now) });
                changed = true;
            }
        }

        if (taints.Count == 0)
        {
            spec.Remove("taints");
        }

        return changed;
    }

    private static bool Matches(JsonObject taint, string key, string effect) => taint.GetString("key") == key && taint.GetString("effect") == effect;
}
