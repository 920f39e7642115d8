namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// Whether one rule allows one request, exactly as upstream's rbac.RuleAllows and the rbacv1helpers matchers: "*"
/// matches any verb, group or resource; "resource/subresource" and "*/subresource" name subresources; resourceNames
/// limit by name (a request without a name, such as list or create, never matches named rules); non-resource URLs
/// match exactly or by a prefix ending in "*".
/// </summary>
internal static class PolicyRuleMatching
{
    public const string All = "*";

    public static bool Allows(PolicyRule rule, AuthorizationAttributes request)
    {
        if (request.IsResourceRequest)
        {
            var combined = request.Subresource.Length > 0 ? request.Resource + "/" + request.Subresource : request.Resource;
            return VerbMatches(rule, request.Verb)
                && ApiGroupMatches(rule, request.ApiGroup)
                && ResourceMatches(rule, combined, request.Subresource)
                && ResourceNameMatches(rule, request.Name);
        }

        return VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path);
    }

    public static bool VerbMatches(PolicyRule rule, string verb) => rule.Verbs.Any(v => v == All || v == verb);

    public static bool ApiGroupMatches(PolicyRule rule, string group) => rule.ApiGroups.Any(g => g == All || g == group);

    public static bool ResourceMatches(PolicyRule rule, string combinedResource, string subresource)
    {
        foreach (var resource in rule.Resources)
        {
            if (resource == All || resource == combinedResource)
            {
                return true;
            }

            if (subresource.Length > 0 && resource.Length == subresource.Length + 2
                && resource.StartsWith("*/", StringComparison.Ordinal) && resource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ResourceNameMatches(PolicyRule rule, string name) =>
        rule.ResourceNames.Count == 0 || rule.ResourceNames.Contains(name, StringComparer.Ordinal);

    public static bool NonResourceUrlMatches(PolicyRule rule, string path)
    {
        foreach (var url in rule.NonResourceUrls)
        {
            if (url == All || url == path)
            {
                return true;
            }

            if (url.EndsWith('*') && path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
