using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// How the HPA controller turns the metrics' recommendation into the replicas it sets (horizontal.go's normalize*
/// functions): without spec.behavior, the highest recommendation of the last five minutes (the downscale stabilisation
/// window) bounded by min/max replicas and a scale-up of at most max(2 × current, 4); with spec.behavior, the
/// recommendation is held between the lowest of the scale-up window and the highest of the scale-down window, then
/// limited by the scaling policies over their periods (selectPolicy Max, Min or Disabled). Each step names the
/// condition reason and message upstream sets.
/// </summary>
internal static class ReplicaNormalization
{
    /// <summary>kube-controller-manager's --horizontal-pod-autoscaler-downscale-stabilization (5 minutes).</summary>
    public static readonly TimeSpan DownscaleStabilisationWindow = TimeSpan.FromMinutes(5);

    private const double ScaleUpLimitFactor = 2.0;
    private const double ScaleUpLimitMinimum = 4.0;

    /// <summary>A condition the normalisation sets: type, status, reason, message.</summary>
    public readonly record struct Condition(string Type, string Status, string Reason, string Message);

    /// <summary>normalizeDesiredReplicas (no spec.behavior).</summary>
    public static (int Desired, Condition AbleToScale, Condition ScalingLimited) WithoutBehavior(
        ScaleHistory history, DateTimeOffset now, int current, int prenormalized, int min, int max)
    {
        var stabilized = Stabilize(history, now, prenormalized);
        var able = stabilized != prenormalized
            ? new Condition("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
            : new Condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
        var (desired, reason, message) = WithRules(current, stabilized, min, max);
        return (desired, able, new Condition("ScalingLimited", desired == stabilized ? "False" : "True", reason, message));
    }

    /// <summary>normalizeDesiredReplicasWithBehaviors.</summary>
    public static (int Desired, Condition AbleToScale, Condition ScalingLimited) WithBehavior(
        ScaleHistory history, DateTimeOffset now, JsonObject behavior, int current, int prenormalized, int min, int max)
    {
        var up = behavior["scaleUp"] as JsonObject ?? [];
        var down = behavior["scaleDown"] as JsonObject ?? [];
        var (stabilized, reason, message) = StabilizeWithBehavior(history, now, up, down, current, prenormalized);
        var able = stabilized != prenormalized
            ? new Condition("AbleToScale", "True", reason, message)
            : new Condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
        var (desired, limitReason, limitMessage) = WithBehaviorRate(history, now, up, down, current, stabilized, min, max);
        return (desired, able, new Condition("ScalingLimited", desired == stabilized ? "False" : "True", limitReason, limitMessage));
    }

    /// <summary>recordInitialRecommendation: the first sync remembers the current count as a recommendation.</summary>
    public static void RecordInitial(ScaleHistory history, DateTimeOffset now, int current)
    {
        if (history.Recommendations.Count == 0)
        {
            history.Recommendations.Add((current, now));
        }
    }

    /// <summary>storeScaleEvent (only with spec.behavior): remembers a rescale, reusing an outdated entry.</summary>
    public static void RecordScale(ScaleHistory history, DateTimeOffset now, JsonObject? behavior, int previous, int desired)
    {
        if (behavior is null)
        {
            return;
        }

        var scaleUp = desired > previous;
        var events = scaleUp ? history.ScaleUps : history.ScaleDowns;
        var longest = (behavior[scaleUp ? "scaleUp" : "scaleDown"]?["policies"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => p.GetInt64("periodSeconds") ?? 0).DefaultIfEmpty(0).Max();
        var cutoff = now - TimeSpan.FromSeconds(longest);
        foreach (var e in events.Where(e => e.At < cutoff))
        {
            e.Outdated = true;
        }

        var entry = new ScaleEvent(Math.Abs(desired - previous), now);
        var reuse = events.FindLastIndex(e => e.Outdated);
        if (reuse >= 0)
        {
            events[reuse] = entry;
        }
        else
        {
            events.Add(entry);
        }
    }

    /// <summary>stabilizeRecommendation: the highest recommendation within the downscale window, recording this one.</summary>
    private static int Stabilize(ScaleHistory history, DateTimeOffset now, int prenormalized)
    {
        var highest = prenormalized;
        var cutoff = now - DownscaleStabilisationWindow;
        var old = -1;
        for (var i = 0; i < history.Recommendations.Count; i++)
        {
            var (replicas, at) = history.Recommendations[i];
            if (at < cutoff)
            {
                old = i;
            }
            else if (replicas > highest)
            {
                highest = replicas;
            }
        }

        Record(history, old, prenormalized, now);
        return highest;
    }

    /// <summary>stabilizeRecommendationWithBehaviors: the current count held between the windows' lowest and highest recommendations.</summary>
    private static (int Replicas, string Reason, string Message) StabilizeWithBehavior(
        ScaleHistory history, DateTimeOffset now, JsonObject up, JsonObject down, int current, int desired)
    {
        var upCutoff = now - TimeSpan.FromSeconds(up.GetInt64("stabilizationWindowSeconds") ?? 0);
        var downCutoff = now - TimeSpan.FromSeconds(down.GetInt64("stabilizationWindowSeconds") ?? (long)DownscaleStabilisationWindow.TotalSeconds);
        int upRecommendation = desired, downRecommendation = desired, old = -1;
        for (var i = 0; i < history.Recommendations.Count; i++)
        {
            var (replicas, at) = history.Recommendations[i];
            if (at > upCutoff)
            {
                upRecommendation = Math.Min(replicas, upRecommendation);
            }

            if (at > downCutoff)
            {
                downRecommendation = Math.Max(replicas, downRecommendation);
            }

            if (at < upCutoff && at < downCutoff)
            {
                old = i;
            }
        }

        var recommendation = Math.Min(Math.Max(current, upRecommendation), downRecommendation);
        Record(history, old, desired, now);
        return desired >= current
            ? (recommendation, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
            : (recommendation, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
    }

    private static void Record(ScaleHistory history, int old, int replicas, DateTimeOffset now)
    {
        if (old >= 0)
        {
            history.Recommendations[old] = (replicas, now);
        }
        else
        {
            history.Recommendations.Add((replicas, now));
        }
    }

    /// <summary>convertDesiredReplicasWithRules (no spec.behavior).</summary>
    private static (int Replicas, string Reason, string Message) WithRules(int current, int desired, int min, int max)
    {
        var scaleUpLimit = (int)Math.Max(ScaleUpLimitFactor * current, ScaleUpLimitMinimum);
        var (maximum, reason, message) = max > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        if (desired < min)
        {
            return (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        }

        return desired > maximum ? (maximum, reason, message) : (desired, "DesiredWithinRange", "the desired count is within the acceptable range");
    }

    /// <summary>convertDesiredReplicasWithBehaviorRate: the policies' limits over their periods, then min/max replicas.</summary>
    private static (int Replicas, string Reason, string Message) WithBehaviorRate(
        ScaleHistory history, DateTimeOffset now, JsonObject up, JsonObject down, int current, int desired, int min, int max)
    {
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(history, now, current, up), current);
            var (maximum, reason, message) = max > limit
                ? (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (desired > maximum)
            {
                return (maximum, reason, message);
            }
        }
        else if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(history, now, current, down), current);
            var (minimum, reason, message) = min < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (desired < minimum)
            {
                return (minimum, reason, message);
            }
        }

        return (desired, "DesiredWithinRange", "the desired count is within the acceptable range");
    }

    /// <summary>calculateScaleUpLimitWithScalingRules: the most replicas the scale-up policies allow now.</summary>
    private static int ScaleUpLimit(ScaleHistory history, DateTimeOffset now, int current, JsonObject rules)
    {
        var select = rules.GetString("selectPolicy") ?? "Max";
        if (select == "Disabled")
        {
            return current;
        }

        long result = select == "Min" ? int.MaxValue : int.MinValue;
        foreach (var policy in Policies(rules))
        {
            var start = PeriodStart(history, now, current, policy);
            long proposed = policy.GetString("type") == "Pods"
                ? start + (policy.GetInt64("value") ?? 0)
                : (long)Math.Ceiling(start * (1 + ((policy.GetInt64("value") ?? 0) / 100.0)));
            result = select == "Min" ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return (int)Math.Clamp(result, int.MinValue, int.MaxValue);
    }

    /// <summary>calculateScaleDownLimitWithBehaviors: the fewest replicas the scale-down policies allow now.</summary>
    private static int ScaleDownLimit(ScaleHistory history, DateTimeOffset now, int current, JsonObject rules)
    {
        var select = rules.GetString("selectPolicy") ?? "Max";
        if (select == "Disabled")
        {
            return current;
        }

        long result = select == "Min" ? int.MinValue : int.MaxValue;
        foreach (var policy in Policies(rules))
        {
            var start = PeriodStart(history, now, current, policy);
            long proposed = policy.GetString("type") == "Pods"
                ? start - (policy.GetInt64("value") ?? 0)
                : (long)(start * (1 - ((policy.GetInt64("value") ?? 0) / 100.0)));
            result = select == "Min" ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return (int)Math.Clamp(result, int.MinValue, int.MaxValue);
    }

    private static IEnumerable<JsonObject> Policies(JsonObject rules) => (rules["policies"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>The replicas at the start of the policy's period: the current count less what was added, plus what was removed, within it.</summary>
    private static long PeriodStart(ScaleHistory history, DateTimeOffset now, int current, JsonObject policy)
    {
        var cutoff = now - TimeSpan.FromSeconds(policy.GetInt64("periodSeconds") ?? 0);
        var added = history.ScaleUps.Where(e => e.At > cutoff).Sum(e => (long)e.Change);
        var removed = history.ScaleDowns.Where(e => e.At > cutoff).Sum(e => (long)e.Change);
        return current - added + removed;
    }
}
