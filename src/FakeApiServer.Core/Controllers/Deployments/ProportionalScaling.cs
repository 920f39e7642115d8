using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Deployments;

/// <summary>
/// How a rolling deployment scaled in the middle of a rollout spreads the change over its active replica sets (the
/// deployment controller's scale): each replica set changes by its share of the new maximum (spec.replicas plus
/// maxSurge) against the maximum it was last sized for (its deployment.kubernetes.io/max-replicas annotation), rounded;
/// what rounding leaves over goes to the first replica set of the order (largest first; on a tie, the newest first when
/// growing and the oldest first when shrinking). No replica set goes below zero.
/// </summary>
internal static class ProportionalScaling
{
    /// <summary>
    /// The new spec.replicas of each of <paramref name="active"/> (replica sets with spec.replicas above zero), in the
    /// order they are to be written.
    /// </summary>
    /// <param name="active">The active replica sets, new and old.</param>
    /// <param name="replicas">The deployment's spec.replicas.</param>
    /// <param name="maxSurge">The deployment's resolved maxSurge.</param>
    /// <param name="statusReplicas">The deployment's status.replicas (the base when an annotation is missing).</param>
    public static IReadOnlyList<(JsonObject ReplicaSet, int Replicas)> Spread(IReadOnlyList<JsonObject> active, int replicas, int maxSurge, int statusReplicas)
    {
        var allowedSize = replicas > 0 ? replicas + maxSurge : 0;
        var toAdd = allowedSize - active.Sum(SpecReplicas);
        IReadOnlyList<JsonObject> ordered = toAdd switch
        {
            > 0 => [.. active.OrderByDescending(SpecReplicas).ThenByDescending(PodState.CreatedAt).ThenByDescending(rs => rs.Name(), StringComparer.Ordinal)],
            < 0 => [.. active.OrderByDescending(SpecReplicas).ThenBy(PodState.CreatedAt).ThenBy(rs => rs.Name(), StringComparer.Ordinal)],
            _ => active,
        };

        var added = 0;
        var sizes = new List<(JsonObject, int)>(ordered.Count);
        foreach (var rs in ordered)
        {
            var proportion = toAdd == 0 ? 0 : Proportion(rs, replicas, maxSurge, statusReplicas, toAdd, added);
            sizes.Add((rs, SpecReplicas(rs) + proportion));
            added += proportion;
        }

        if (toAdd != 0 && sizes.Count > 0)
        {
            // The leftover of the rounding goes to the largest replica set.
            sizes[0] = (sizes[0].Item1, Math.Max(0, sizes[0].Item2 + toAdd - added));
        }

        return sizes;
    }

    /// <summary>GetReplicaSetProportion: this replica set's share, never beyond what is left to add or remove.</summary>
    private static int Proportion(JsonObject rs, int replicas, int maxSurge, int statusReplicas, int toAdd, int added)
    {
        if (SpecReplicas(rs) == 0 || toAdd == added)
        {
            return 0;
        }

        var fraction = Fraction(rs, replicas, maxSurge, statusReplicas);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary>getReplicaSetFraction: the change that keeps this replica set's share of the deployment's maximum size.</summary>
    private static int Fraction(JsonObject rs, int replicas, int maxSurge, int statusReplicas)
    {
        if (replicas == 0)
        {
            return -SpecReplicas(rs);
        }

        var maxBefore = MaxReplicasAnnotation(rs) is { } annotated and not 0 ? annotated : statusReplicas;
        if (maxBefore == 0)
        {
            return 0;
        }

        var scaled = (double)SpecReplicas(rs) * (replicas + maxSurge) / maxBefore;
        return (int)Math.Round(scaled, MidpointRounding.AwayFromZero) - SpecReplicas(rs);
    }

    private static int? MaxReplicasAnnotation(JsonObject rs) =>
        ObjectMeta.StringMap(rs.Metadata()["annotations"]).TryGetValue(DeploymentController.MaxReplicasAnnotation, out var text)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static int SpecReplicas(JsonObject rs) => (int)(rs["spec"]?.AsObject().GetInt64("replicas") ?? 1);
}
