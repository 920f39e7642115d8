using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Rbac.Roles;

/// <summary>rbac.authorization.k8s.io/v1 Role: every rule needs verbs, and a resource rule groups and resources; no non-resource URLs.</summary>
internal sealed class RoleStrategy() : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => PolicyRuleValidation.ValidateRules(obj, namespaced: true);
}
