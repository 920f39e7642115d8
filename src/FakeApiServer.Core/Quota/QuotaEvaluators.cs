namespace FakeApiServer.Quota;

/// <summary>
/// The evaluators quota knows (pkg/quota/v1/evaluator/core NewEvaluators): pods, services and
/// persistentvolumeclaims, object counts with their legacy names for configmaps, resourcequotas,
/// replicationcontrollers and secrets; any other resource is counted as count/&lt;resource&gt;[.&lt;group&gt;].
/// Resources quota ignores (events and the review kinds) have none.
/// </summary>
internal static class QuotaEvaluators
{
    private static readonly Dictionary<(string Group, string Plural), QuotaEvaluator> Known = new QuotaEvaluator[]
    {
        new PodEvaluator(),
        new ServiceEvaluator(),
        new PersistentVolumeClaimEvaluator(),
        new ObjectCountEvaluator("", "configmaps", "configmaps"),
        new ObjectCountEvaluator("", "resourcequotas", "resourcequotas"),
        new ObjectCountEvaluator("", "replicationcontrollers", "replicationcontrollers"),
        new ObjectCountEvaluator("", "secrets", "secrets"),
    }.ToDictionary(e => (e.Group, e.Plural));

    private static readonly HashSet<(string Group, string Plural)> Ignored =
    [
        ("", "events"),
        ("authentication.k8s.io", "tokenreviews"),
        ("authentication.k8s.io", "selfsubjectreviews"),
        ("authorization.k8s.io", "subjectaccessreviews"),
        ("authorization.k8s.io", "selfsubjectaccessreviews"),
        ("authorization.k8s.io", "localsubjectaccessreviews"),
        ("authorization.k8s.io", "selfsubjectrulesreviews"),
    ];

    /// <summary>The evaluators with their own rules.</summary>
    public static IReadOnlyCollection<QuotaEvaluator> Standard => Known.Values;

    /// <summary>The evaluator of a resource; null for the ignored ones.</summary>
    public static QuotaEvaluator? For(string group, string plural) =>
        Ignored.Contains((group, plural)) ? null
        : Known.TryGetValue((group, plural), out var evaluator) ? evaluator
        : new ObjectCountEvaluator(group, plural);

    /// <summary>
    /// The resource a count/&lt;resource&gt;[.&lt;group&gt;] name counts, when it is not one of the standard ones;
    /// null for other names.
    /// </summary>
    public static (string Group, string Plural)? CountedResource(string name)
    {
        if (!name.StartsWith("count/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name["count/".Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var resource = dot < 0 ? ("", rest) : (rest[(dot + 1)..], rest[..dot]);
        return Known.ContainsKey(resource) || Ignored.Contains(resource) || resource.Item2.Length == 0 ? null : resource;
    }
}
