using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>Upstream's ValidatePolicyRule for the rules of Roles and ClusterRoles.</summary>
internal static class PolicyRuleValidation
{
    /// <summary>The errors of obj.rules; <paramref name="namespaced"/> (Role) forbids non-resource URLs.</summary>
    public static List<FieldError> ValidateRules(JsonObject obj, bool namespaced)
    {
        var errors = new List<FieldError>();
        var rules = obj["rules"] as JsonArray ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var path = $"rules[{i}]";
            var rule = rules[i] is JsonObject o ? PolicyRule.FromJson(o) : new PolicyRule();
            if (rule.Verbs.Count == 0)
            {
                errors.Add(FieldError.Required(path + ".verbs", "verbs must contain at least one value"));
            }

            if (rule.NonResourceUrls.Count > 0)
            {
                var urls = new GoStrings(rule.NonResourceUrls);
                if (namespaced)
                {
                    errors.Add(FieldError.Invalid(path + ".nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"));
                }

                if (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0)
                {
                    errors.Add(FieldError.Invalid(path + ".nonResourceURLs", urls, "rules cannot apply to both regular resources and non-resource URLs"));
                }

                continue;
            }

            if (rule.ApiGroups.Count == 0)
            {
                errors.Add(FieldError.Required(path + ".apiGroups", "resource rules must supply at least one api group"));
            }

            if (rule.Resources.Count == 0)
            {
                errors.Add(FieldError.Required(path + ".resources", "resource rules must supply at least one resource"));
            }
        }

        return errors;
    }

    /// <summary>A []string in a field error, as Go's %#v prints it: <c>[]string{"/a", "/b"}</c>.</summary>
    private sealed record GoStrings(IReadOnlyList<string> Values)
    {
        public override string ToString() => "[]string{" + string.Join(", ", Values.Select(PolicyRule.GoQuote)) + "}";
    }
}
