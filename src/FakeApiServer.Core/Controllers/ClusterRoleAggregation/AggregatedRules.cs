using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Controllers.ClusterRoleAggregation;

/// <summary>
/// The rules of an aggregated ClusterRole, as upstream's clusterroleaggregation controller computes them: for each
/// clusterRoleSelector in order, every other ClusterRole it selects (by name), their rules appended once each.
/// </summary>
internal static class AggregatedRules
{
    /// <summary>The rules <paramref name="role"/>'s aggregationRule gathers from <paramref name="clusterRoles"/>, or null when it has none.</summary>
    public static JsonArray? For(JsonObject role, IReadOnlyList<JsonObject> clusterRoles)
    {
        if (role["aggregationRule"] is not JsonObject aggregation)
        {
            return null;
        }

        var rules = new List<PolicyRule>();
        var name = role.Name();
        foreach (var selectorObject in (aggregation["clusterRoleSelectors"] as JsonArray ?? []).OfType<JsonObject>())
        {
            LabelSelector selector;
            try
            {
                selector = LabelSelector.FromLabelSelectorObject(selectorObject);
            }
            catch (SelectorParseException)
            {
                // Validation refuses such selectors; one stored before gathers nothing.
                continue;
            }

            foreach (var other in clusterRoles.Where(r => r.Name() != name && selector.Matches(r.Labels())).OrderBy(r => r.Name(), StringComparer.Ordinal))
            {
                foreach (var rule in PolicyRule.ListFromJson(other["rules"]))
                {
                    if (!rules.Contains(rule))
                    {
                        rules.Add(rule);
                    }
                }
            }
        }

        return new JsonArray(rules.Select(r => (JsonNode?)r.ToJson()).ToArray());
    }
}
