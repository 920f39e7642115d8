using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// The ResourceQuota admission check of one write against a namespace's quotas (apiserver's CheckRequest): which
/// quotas the object falls under, whether it meets their constraints, and the new status.used of each quota it is
/// charged to; a refusal is a 403 Forbidden with upstream's message.
/// </summary>
internal static class QuotaCheck
{
    /// <summary>The new status.used of each quota (by index in <paramref name="quotas"/>) the write is charged to.</summary>
    public static IReadOnlyDictionary<int, QuantityList> Charge(
        IReadOnlyList<JsonObject> quotas, AdmissionRequest request, QuotaEvaluator evaluator, DateTimeOffset now, ResourceQuotaConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(evaluator);
        if (request.Object is not { } input)
        {
            return new Dictionary<int, QuantityList>();
        }

        // Resources the configuration limits by default need a quota that covers them (upstream's limitedByDefault).
        var limited = configuration?.LimitedNames(request.Definition.Group, request.Definition.Plural, evaluator.Usage(input, now)) ?? [];
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var interesting = new List<int>();
        for (var i = 0; i < quotas.Count; i++)
        {
            var quota = quotas[i];
            if (!evaluator.Matches(quota, input))
            {
                continue;
            }

            var restricted = evaluator.MatchingResources(Hard(quota).Keys);
            if (evaluator.Constraints(restricted, input) is { } why)
            {
                throw request.Forbidden($"failed quota: {quota.Name()}: {why}");
            }

            var used = Used(quota);
            if (restricted.Any(r => !used.ContainsKey(r)))
            {
                throw request.Forbidden($"status unknown for quota: {quota.Name()}, resources: {string.Join(",", restricted.Order(StringComparer.Ordinal))}");
            }

            interesting.Add(i);
            covered.UnionWith(restricted);
        }

        if (limited.Where(n => !covered.Contains(n)).Distinct().Order(StringComparer.Ordinal).ToList() is { Count: > 0 } uncovered)
        {
            throw request.Forbidden($"insufficient quota to consume: {string.Join(",", uncovered)}");
        }

        var inputUsage = evaluator.Usage(input, now);
        if (inputUsage.Negative() is { Count: > 0 } negative)
        {
            throw request.Forbidden($"quota usage is negative for resource(s): {string.Join(",", negative)}");
        }

        var deltas = interesting.ToDictionary(i => i, _ => inputUsage);
        if (request.Operation == AdmissionOperation.Update)
        {
            if (request.OldObject is not { } old)
            {
                throw request.Forbidden("unable to get previous usage since prior version of object was not found");
            }

            if (old.ResourceVersion() is { Length: > 0 })
            {
                var delta = inputUsage.MinusNonNegative(evaluator.Usage(old, now));
                foreach (var i in interesting.Where(i => evaluator.Matches(quotas[i], old)))
                {
                    deltas[i] = delta;
                }
            }
        }

        var charged = new Dictionary<int, QuantityList>();
        foreach (var (i, rawDelta) in deltas)
        {
            var delta = rawDelta.WithoutZeros();
            if (delta.Count == 0)
            {
                continue;
            }

            var quota = quotas[i];
            var hard = Hard(quota);
            var used = Used(quota);
            var requested = delta.Mask(hard.Keys);
            var newUsage = used.Plus(requested);
            if (request.Subresource != "status" && newUsage.Mask(requested.Keys).Exceeding(hard) is { Count: > 0 } exceeded)
            {
                throw request.Forbidden(
                    $"exceeded quota: {quota.Name()}, requested: {requested.Mask(exceeded).Pretty()}, used: {used.Mask(exceeded).Pretty()}, limited: {hard.Mask(exceeded).Pretty()}");
            }

            charged[i] = newUsage;
        }

        return charged;
    }

    public static QuantityList Hard(JsonObject quota) => QuantityList.Parse(quota["status"]?["hard"]);

    public static QuantityList Used(JsonObject quota) => QuantityList.Parse(quota["status"]?["used"]);
}
