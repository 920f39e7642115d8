using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ReplicaSets;

/// <summary>
/// Which pods a scale-down removes first, as controller_utils' ActivePods ordering: unscheduled before scheduled,
/// Pending before Unknown before Running, not ready before ready, ready for less time first, more restarts first,
/// newer before older.
/// </summary>
internal static class PodDeletionOrder
{
    /// <summary>The <paramref name="count"/> pods to delete first.</summary>
    public static IReadOnlyList<JsonObject> Pick(IEnumerable<JsonObject> pods, int count) =>
        pods.OrderBy(p => string.IsNullOrEmpty(p.FieldString("spec.nodeName")) ? 0 : 1)
            .ThenBy(p => PhaseRank(p.FieldString("status.phase")))
            .ThenBy(p => PodState.IsReady(p) ? 1 : 0)
            .ThenByDescending(p => PodState.IsReady(p) ? PodState.ReadySince(p) ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue)
            .ThenByDescending(PodState.RestartCount)
            .ThenByDescending(PodState.CreatedAt)
            .ThenBy(p => p.Name(), StringComparer.Ordinal)
            .Take(count)
            .ToList();

    private static int PhaseRank(string? phase) => phase switch
    {
        "Pending" or null or "" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
}
