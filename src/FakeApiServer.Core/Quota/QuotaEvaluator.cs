using System.Text.Json.Nodes;
using FakeApiServer.Admission;

namespace FakeApiServer.Quota;

/// <summary>
/// How quota measures one resource (apiserver's quota.Evaluator): which writes can change usage, which quota resource
/// names it tracks, which scopes an object is in, the constraints an object must meet, and its usage.
/// </summary>
internal abstract class QuotaEvaluator
{
    protected QuotaEvaluator(string group, string plural)
    {
        Group = group;
        Plural = plural;
    }

    public string Group { get; }

    public string Plural { get; }

    /// <summary>The object-count name (generic.ObjectCountQuotaResourceNameFor): count/&lt;resource&gt;[.&lt;group&gt;].</summary>
    public string ObjectCountName => ObjectCountNameFor(Group, Plural);

    public static string ObjectCountNameFor(string group, string plural) =>
        group.Length == 0 ? "count/" + plural : "count/" + plural + "." + group;

    /// <summary>Whether the write may change usage (operation, subresource, the object and the stored one).</summary>
    public abstract bool Handles(AdmissionRequest request);

    /// <summary>The names of <paramref name="names"/> this evaluator tracks.</summary>
    public abstract IReadOnlyList<string> MatchingResources(IEnumerable<string> names);

    /// <summary>Whether the object is in the scope; resources without scopes are in none (generic.MatchesNoScopeFunc).</summary>
    public virtual bool MatchesScope(ScopeRequirement scope, JsonObject obj) => false;

    /// <summary>Why the object cannot be charged for <paramref name="required"/> (e.g. "must specify ..."), or null.</summary>
    public virtual string? Constraints(IReadOnlyList<string> required, JsonObject obj) => null;

    /// <summary>The usage the object is charged.</summary>
    public abstract QuantityList Usage(JsonObject obj, DateTimeOffset now);

    /// <summary>generic.Matches: the quota's status.hard names one tracked resource and the object is in all its scopes.</summary>
    public bool Matches(JsonObject quota, JsonObject obj) =>
        MatchingResources(QuantityList.Parse(quota["status"]?["hard"]).Keys).Count > 0
        && ScopeRequirement.Of(quota).All(s => MatchesScope(s, obj));

    /// <summary>generic.CalculateUsageStats: the usage of the namespace's objects in all the quota's scopes, zero for each tracked name.</summary>
    public QuantityList UsageStats(IEnumerable<JsonObject> objects, IReadOnlyList<string> resources, IReadOnlyList<ScopeRequirement> scopes, DateTimeOffset now)
    {
        var used = new QuantityList(resources.Select(r => KeyValuePair.Create(r, ResourceAmount.Zero)));
        foreach (var obj in objects.Where(o => scopes.All(s => MatchesScope(s, o))))
        {
            used = used.Plus(Usage(obj, now));
        }

        return used;
    }
}
