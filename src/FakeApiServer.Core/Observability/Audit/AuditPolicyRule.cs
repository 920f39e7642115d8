namespace FakeApiServer.Observability.Audit;

/// <summary>
/// One rule of an audit policy (audit.k8s.io/v1 PolicyRule): the level of the requests it matches. Every list that is
/// given must match (an empty list matches everything); resources and namespaces match resource requests only,
/// nonResourceURLs non-resource requests only.
/// </summary>
internal sealed record AuditPolicyRule
{
    public required AuditLevel Level { get; init; }

    public IReadOnlyList<string> Users { get; init; } = [];

    public IReadOnlyList<string> UserGroups { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<AuditGroupResources> Resources { get; init; } = [];

    /// <summary>Namespaces; "" matches cluster-scoped resources.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Paths, exact or with a trailing "*" for a prefix ("*" for all).</summary>
    public IReadOnlyList<string> NonResourceUrls { get; init; } = [];

    /// <summary>The rule's omitStages joined with the policy's (as upstream's policy reader does).</summary>
    public IReadOnlySet<string> OmitStages { get; init; } = new HashSet<string>();

    /// <summary>The rule's omitManagedFields; null takes the policy's.</summary>
    public bool? OmitManagedFields { get; init; }

    /// <summary>Whether the rule matches (upstream's ruleMatches).</summary>
    public bool Matches(AuditAttributes request)
    {
        if (Users.Count > 0 && !Users.Contains(request.User))
        {
            return false;
        }

        if (UserGroups.Count > 0 && !request.Groups.Any(UserGroups.Contains))
        {
            return false;
        }

        if (Verbs.Count > 0 && !Verbs.Contains(request.Verb))
        {
            return false;
        }

        if (Namespaces.Count > 0 || Resources.Count > 0)
        {
            return MatchesResource(request);
        }

        return NonResourceUrls.Count == 0 || (!request.IsResourceRequest && NonResourceUrls.Any(url => PathMatches(request.Path, url)));
    }

    private bool MatchesResource(AuditAttributes request)
    {
        if (!request.IsResourceRequest || (Namespaces.Count > 0 && !Namespaces.Contains(request.Namespace)))
        {
            return false;
        }

        return Resources.Count == 0 || Resources.Any(r => r.Matches(request));
    }

    private static bool PathMatches(string path, string spec) =>
        spec == "*" || spec == path || (spec.EndsWith('*') && path.StartsWith(spec.TrimEnd('*'), StringComparison.Ordinal));
}
