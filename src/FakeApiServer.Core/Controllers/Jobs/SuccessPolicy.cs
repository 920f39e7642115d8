using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>
/// An Indexed Job's spec.successPolicy (1.33, beta): the job succeeds early once one rule is met: all of its
/// succeededIndexes succeeded, or at least succeededCount of them (of all indexes when it names none).
/// </summary>
internal static class SuccessPolicy
{
    /// <summary>The index of the first met rule, or null.</summary>
    public static int? MetRule(JsonObject? policy, IReadOnlySet<int> succeeded, int completions)
    {
        var rules = (policy?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            var indexes = rules[i].GetString("succeededIndexes") is { } text ? CompletedIndexes.Parse(text, completions) : null;
            var count = rules[i].GetInt64("succeededCount");
            var done = indexes is null ? succeeded.Count : indexes.Count(succeeded.Contains);
            if ((indexes is not null || count is not null) && done >= (count ?? indexes!.Count))
            {
                return i;
            }
        }

        return null;
    }
}
