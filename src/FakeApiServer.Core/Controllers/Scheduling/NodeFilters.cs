using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// The default scheduler profile's filters that matter for simulated nodes, in upstream's order: NodeUnschedulable,
/// TaintToleration, NodeAffinity, NodeResourcesFit. A node's reasons come from the first filter that rejects it
/// (NodeResourcesFit may give several), with upstream's messages, and <see cref="FitError"/> aggregates them as
/// framework.FitError does.
/// </summary>
internal static class NodeFilters
{
    public const string UnschedulableReason = "node(s) were unschedulable";

    public const string NodeAffinityReason = "node(s) didn't match Pod's node affinity/selector";

    public const string TooManyPodsReason = "Too many pods";

    /// <summary>The taint the node lifecycle puts on nodes with spec.unschedulable, which a pod may tolerate.</summary>
    private const string UnschedulableTaint = "node.kubernetes.io/unschedulable";

    /// <summary>The reasons <paramref name="node"/> cannot run <paramref name="pod"/>; empty when it fits.</summary>
    /// <param name="pod">The pod to place.</param>
    /// <param name="node">The candidate node.</param>
    /// <param name="assigned">The pods already bound to the node that still hold resources (not Succeeded or Failed).</param>
    public static IReadOnlyList<string> Filter(JsonObject pod, JsonObject node, IReadOnlyList<JsonObject> assigned)
    {
        if (node["spec"]?["unschedulable"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
            && !Tolerations.ToleratesTaint(pod, UnschedulableTaint, "NoSchedule"))
        {
            return [UnschedulableReason];
        }

        if (Tolerations.FirstUntolerated(pod, node, "NoSchedule", "NoExecute") is { } taint)
        {
            return [$"node(s) had untolerated taint {{{taint.GetString("key")}: {taint.GetString("value")}}}"];
        }

        if (!NodeAffinity.Matches(pod, node))
        {
            return [NodeAffinityReason];
        }

        return Fit(pod, node, assigned);
    }

    /// <summary>
    /// upstream's FitError message: "0/N nodes are available: " then the prefilter's message, or the reasons counted per
    /// node and sorted ("1 node(s) had untolerated taint {...}, 1 Insufficient cpu"), then ".".
    /// </summary>
    public static string FitError(int nodes, string? preFilterMessage, IEnumerable<string> reasons)
    {
        var text = preFilterMessage ?? string.Join(", ", reasons
            .GroupBy(r => r, StringComparer.Ordinal)
            .Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key)
            .Order(StringComparer.Ordinal));
        return FormattableString.Invariant($"0/{nodes} nodes are available: {text}.");
    }

    /// <summary>NodeResourcesFit: the pod count, then each requested resource against allocatable minus what the node's pods request.</summary>
    private static List<string> Fit(JsonObject pod, JsonObject node, IReadOnlyList<JsonObject> assigned)
    {
        var reasons = new List<string>();
        var allocatable = PodResources.Amounts(node["status"]?["allocatable"] as JsonObject);
        if (allocatable.TryGetValue("pods", out var maxPods) && assigned.Count + 1 > maxPods)
        {
            reasons.Add(TooManyPodsReason);
        }

        var requests = PodResources.Requests(pod);
        if (requests.Values.All(v => v == 0))
        {
            return reasons;
        }

        var used = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var other in assigned)
        {
            foreach (var (name, amount) in PodResources.Requests(other))
            {
                used[name] = used.GetValueOrDefault(name) + amount;
            }
        }

        foreach (var name in requests.Keys.Order(ResourceOrder.Instance))
        {
            if (requests[name] > 0 && requests[name] > allocatable.GetValueOrDefault(name) - used.GetValueOrDefault(name))
            {
                reasons.Add("Insufficient " + name);
            }
        }

        return reasons;
    }

    /// <summary>cpu, memory, ephemeral-storage first (upstream's check order), then the rest by name.</summary>
    private sealed class ResourceOrder : IComparer<string>
    {
        public static readonly ResourceOrder Instance = new();

        private static readonly string[] First = ["cpu", "memory", "ephemeral-storage"];

        public int Compare(string? x, string? y)
        {
            var ix = Array.IndexOf(First, x);
            var iy = Array.IndexOf(First, y);
            ix = ix < 0 ? First.Length : ix;
            iy = iy < 0 ? First.Length : iy;
            return ix != iy ? ix.CompareTo(iy) : string.CompareOrdinal(x, y);
        }
    }
}
