using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ReplicaSets;

/// <summary>What controllers read from a pod's status (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils helpers).</summary>
internal static class PodState
{
    /// <summary>Not terminal (Succeeded, Failed) and not being deleted: controller_utils' IsPodActive.</summary>
    public static bool IsActive(JsonObject pod) =>
        !pod.HasDeletionTimestamp() && pod.FieldString("status.phase") is not ("Succeeded" or "Failed");

    /// <summary>Whether the pod has finished (Succeeded or Failed).</summary>
    public static bool IsTerminal(JsonObject pod) => pod.FieldString("status.phase") is "Succeeded" or "Failed";

    /// <summary>The Ready condition is True.</summary>
    public static bool IsReady(JsonObject pod) => ReadyCondition(pod)?.GetString("status") == "True";

    /// <summary>Ready for at least <paramref name="minReadySeconds"/> at <paramref name="now"/>: IsPodAvailable.</summary>
    public static bool IsAvailable(JsonObject pod, long minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }

        return minReadySeconds <= 0 || (ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) <= now);
    }

    /// <summary>
    /// The earliest time one of <paramref name="pods"/> that is Ready but not yet available becomes available (its Ready
    /// time plus <paramref name="minReadySeconds"/>), or null when none waits: when a controller looks again.
    /// </summary>
    public static DateTimeOffset? NextAvailable(IEnumerable<JsonObject> pods, long minReadySeconds, DateTimeOffset now) =>
        pods.Where(p => IsReady(p) && !IsAvailable(p, minReadySeconds, now))
            .Select(p => (ReadySince(p) ?? now).AddSeconds(minReadySeconds))
            .Cast<DateTimeOffset?>()
            .Min();

    /// <summary>When the Ready condition last became True, or null.</summary>
    public static DateTimeOffset? ReadySince(JsonObject pod) =>
        ReadyCondition(pod)?.GetString("lastTransitionTime") is { } t
            && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since) ? since : null;

    /// <summary>metadata.creationTimestamp, or the minimum when missing.</summary>
    public static DateTimeOffset CreatedAt(JsonObject obj) =>
        obj.Metadata().GetString("creationTimestamp") is { } t
            && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : DateTimeOffset.MinValue;

    /// <summary>The sum of the containers' restart counts.</summary>
    public static long RestartCount(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().Sum(c => c.GetInt64("restartCount") ?? 0) ?? 0;

    private static JsonObject? ReadyCondition(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "Ready");
}
