namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// Whether one set of rules covers another, as upstream's rbac/validation Covers: the requested rules are broken down
/// into one verb on one group/resource (or one non-resource URL) each, and every piece must be covered by an owner
/// rule; the missing pieces are compacted (verbs of one group/resource merged) for the escalation message.
/// </summary>
internal static class RuleCoverage
{
    private const string All = PolicyRuleMatching.All;

    /// <summary>The requested rules' pieces that no owner rule covers (none: the owner holds them all).</summary>
    public static IReadOnlyList<PolicyRule> Uncovered(IReadOnlyList<PolicyRule> ownerRules, IEnumerable<PolicyRule> requested) =>
        requested.SelectMany(Breakdown).Where(piece => !ownerRules.Any(owner => Covers(owner, piece))).ToList();

    /// <summary>Upstream's BreakdownRule: one rule per group × resource × verb (× name), and per URL × verb.</summary>
    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups)
        {
            foreach (var resource in rule.Resources)
            {
                foreach (var verb in rule.Verbs)
                {
                    if (rule.ResourceNames.Count > 0)
                    {
                        foreach (var name in rule.ResourceNames)
                        {
                            yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
                        }
                    }
                    else
                    {
                        yield return new PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
                    }
                }
            }
        }

        foreach (var url in rule.NonResourceUrls)
        {
            foreach (var verb in rule.Verbs)
            {
                yield return new PolicyRule { NonResourceUrls = [url], Verbs = [verb] };
            }
        }
    }

    /// <summary>Upstream's ruleCovers.</summary>
    public static bool Covers(PolicyRule owner, PolicyRule sub)
    {
        var verbs = owner.Verbs.Contains(All) || sub.Verbs.All(owner.Verbs.Contains);
        var groups = owner.ApiGroups.Contains(All) || sub.ApiGroups.All(owner.ApiGroups.Contains);
        var resources = ResourcesCoverAll(owner.Resources, sub.Resources);
        var urls = sub.NonResourceUrls.All(path => owner.NonResourceUrls.Any(o => UrlCovers(o, path)));
        var names = sub.ResourceNames.Count == 0
            ? owner.ResourceNames.Count == 0
            : owner.ResourceNames.Count == 0 || sub.ResourceNames.All(owner.ResourceNames.Contains);
        return verbs && groups && resources && names && urls;
    }

    /// <summary>
    /// Upstream's CompactRules: simple rules (one group, one resource, at most one name, no URLs) of the same
    /// group/resource/name merge their verbs; the others stay as they are.
    /// </summary>
    public static IReadOnlyList<PolicyRule> Compact(IReadOnlyList<PolicyRule> rules)
    {
        var compacted = new List<PolicyRule>();
        var simple = new Dictionary<(string Group, string Resource, string? Name), List<string>>();
        var order = new List<(string, string, string?)>();
        foreach (var rule in rules)
        {
            if (rule.ResourceNames.Count <= 1 && rule.NonResourceUrls.Count == 0 && rule.ApiGroups.Count == 1 && rule.Resources.Count == 1)
            {
                var key = (rule.ApiGroups[0], rule.Resources[0], rule.ResourceNames.Count == 1 ? rule.ResourceNames[0] : null);
                if (!simple.TryGetValue(key, out var verbs))
                {
                    simple[key] = verbs = [];
                    order.Add(key);
                }

                verbs.AddRange(rule.Verbs);
            }
            else
            {
                compacted.Add(rule);
            }
        }

        compacted.AddRange(order.Select(k => new PolicyRule
        {
            ApiGroups = [k.Item1], Resources = [k.Item2], ResourceNames = k.Item3 is { } name ? [name] : [], Verbs = simple[k],
        }));
        return compacted;
    }

    private static bool ResourcesCoverAll(IReadOnlyList<string> owner, IReadOnlyList<string> covers)
    {
        if (owner.Contains(All) || covers.All(owner.Contains))
        {
            return true;
        }

        foreach (var path in covers)
        {
            if (owner.Contains(path))
            {
                continue;
            }

            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0 || !owner.Contains("*/" + path[(slash + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool UrlCovers(string owner, string path) =>
        owner == path || (owner.EndsWith('*') && path.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal));
}
