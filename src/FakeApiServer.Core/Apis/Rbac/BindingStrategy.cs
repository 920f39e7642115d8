using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// rbac.authorization.k8s.io/v1 RoleBinding (namespaced: a Role or ClusterRole granted in one namespace) and
/// ClusterRoleBinding (a ClusterRole granted cluster-wide; service account subjects need a namespace): defaults,
/// validation, and roleRef immutable on update. The two differ only in scope, as upstream's two strategies do.
/// </summary>
internal sealed class BindingStrategy(bool namespaced) : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => BindingValidation.Validate(obj, namespaced);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        [.. BindingValidation.Validate(newObj, namespaced), .. BindingValidation.ValidateRoleRefUnchanged(newObj, oldObj)];
}
