using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Rbac.ClusterRoles;

/// <summary>
/// rbac.authorization.k8s.io/v1 ClusterRole: rules as a Role's, non-resource URLs allowed; an aggregationRule needs at
/// least one clusterRoleSelector (the aggregation controller then owns the rules).
/// </summary>
internal sealed class ClusterRoleStrategy() : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = PolicyRuleValidation.ValidateRules(obj, namespaced: false);
        if (obj["aggregationRule"] is JsonObject aggregation)
        {
            var selectors = aggregation["clusterRoleSelectors"] as JsonArray ?? [];
            if (selectors.Count == 0)
            {
                errors.Add(FieldError.Required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }

            for (var i = 0; i < selectors.Count; i++)
            {
                try
                {
                    LabelSelector.FromLabelSelectorObject(selectors[i] as JsonObject);
                }
                catch (SelectorParseException e)
                {
                    errors.Add(FieldError.Invalid($"aggregationRule.clusterRoleSelectors[{i}]", selectors[i], e.Message));
                }
            }
        }

        return errors;
    }
}
