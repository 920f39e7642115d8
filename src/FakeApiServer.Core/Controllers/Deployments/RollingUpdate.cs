using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.Deployments;

/// <summary>
/// The arithmetic of a rolling update, as pkg/controller/deployment/util: maxSurge and maxUnavailable resolved against
/// the desired replicas (surge rounds up, unavailable rounds down, never both zero), and how far the new replica set
/// may grow.
/// </summary>
internal static class RollingUpdate
{
    /// <summary>An int-or-percent against <paramref name="total"/>: GetScaledValueFromIntOrPercent.</summary>
    public static int Scaled(JsonNode? value, int total, bool roundUp, int fallback)
    {
        if (value is not JsonValue v)
        {
            return fallback;
        }

        if (v.TryGetValue(out int number))
        {
            return number;
        }

        if (v.TryGetValue(out string? text) && text.EndsWith('%')
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            var scaled = (double)percent * total / 100;
            return (int)(roundUp ? Math.Ceiling(scaled) : Math.Floor(scaled));
        }

        return v.TryGetValue(out string? digits) && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : fallback;
    }

    /// <summary>ResolveFenceposts: (maxSurge, maxUnavailable) for <paramref name="replicas"/>; maxUnavailable is 1 when both are 0.</summary>
    public static (int MaxSurge, int MaxUnavailable) Fenceposts(JsonNode? maxSurge, JsonNode? maxUnavailable, int replicas)
    {
        var surge = Scaled(maxSurge, replicas, roundUp: true, Scaled(JsonValue.Create("25%"), replicas, roundUp: true, 0));
        var unavailable = Scaled(maxUnavailable, replicas, roundUp: false, Scaled(JsonValue.Create("25%"), replicas, roundUp: false, 0));
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    /// <summary>MaxUnavailable: at most the replicas, and 0 for Recreate or zero replicas.</summary>
    public static int MaxUnavailable(JsonObject deploymentSpec, int replicas)
    {
        if (!IsRollingUpdate(deploymentSpec) || replicas == 0)
        {
            return 0;
        }

        var (_, unavailable) = Fenceposts(RollingParameter(deploymentSpec, "maxSurge"), RollingParameter(deploymentSpec, "maxUnavailable"), replicas);
        return Math.Min(unavailable, replicas);
    }

    /// <summary>MaxSurge: 0 for Recreate.</summary>
    public static int MaxSurge(JsonObject deploymentSpec, int replicas) =>
        IsRollingUpdate(deploymentSpec)
            ? Fenceposts(RollingParameter(deploymentSpec, "maxSurge"), RollingParameter(deploymentSpec, "maxUnavailable"), replicas).MaxSurge
            : 0;

    /// <summary>
    /// NewRSNewReplicas for a rolling update: the new replica set grows by what the surge allows over all replica sets'
    /// spec.replicas (<paramref name="currentPodCount"/>), up to the desired replicas.
    /// </summary>
    public static int NewReplicaSetReplicas(int desired, int maxSurge, int currentPodCount, int newReplicaSetReplicas)
    {
        var maxTotalPods = desired + maxSurge;
        if (currentPodCount >= maxTotalPods)
        {
            return newReplicaSetReplicas;
        }

        var scaleUpCount = Math.Min(maxTotalPods - currentPodCount, desired - newReplicaSetReplicas);
        return newReplicaSetReplicas + Math.Max(0, scaleUpCount);
    }

    /// <summary>
    /// How many old pods may go now (reconcileOldReplicaSets' maxScaledDown): all pods minus the minimum available minus
    /// the new replica set's pods that are not yet available.
    /// </summary>
    public static int MaxScaledDown(int allPodsCount, int desired, int maxUnavailable, int newReplicaSetUnavailable) =>
        allPodsCount - (desired - maxUnavailable) - newReplicaSetUnavailable;

    private static bool IsRollingUpdate(JsonObject spec) => (spec["strategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate";

    private static JsonNode? RollingParameter(JsonObject spec, string name) => spec["strategy"]?["rollingUpdate"]?[name];
}
