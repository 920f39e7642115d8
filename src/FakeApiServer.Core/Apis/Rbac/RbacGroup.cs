using FakeApiServer.Apis.Rbac.ClusterRoles;
using FakeApiServer.Apis.Rbac.Roles;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// rbac.authorization.k8s.io/v1: Roles, ClusterRoles and their bindings. Names are path segments (colons allowed, as
/// in system:discovery); writes are checked against escalation (<see cref="RoleEscalation"/>, <see cref="BindingEscalation"/>).
/// </summary>
internal static class RbacGroup
{
    public const string Name = RbacPolicy.Group;

    public static IEnumerable<ResourceDefinition> Resources(EscalationCheck escalation)
    {
        yield return new ResourceDefinition(Name, "v1", "Role", "roles", Namespaced: true)
        {
            Strategy = new RoleStrategy(),
            Table = new PolicyTable(),
            NameValidator = NameValidation.IsValidPathSegmentName,
            WriteAuthorization = new RoleEscalation(escalation, "roles"),
        };
        yield return new ResourceDefinition(Name, "v1", "ClusterRole", "clusterroles", Namespaced: false)
        {
            Strategy = new ClusterRoleStrategy(),
            Table = new PolicyTable(),
            NameValidator = NameValidation.IsValidPathSegmentName,
            WriteAuthorization = new RoleEscalation(escalation, "clusterroles"),
        };
        yield return new ResourceDefinition(Name, "v1", "RoleBinding", "rolebindings", Namespaced: true)
        {
            Strategy = new BindingStrategy(namespaced: true),
            Defaulter = new ResourceDefaulter(BindingValidation.SetDefaults),
            Table = new BindingTable(),
            NameValidator = NameValidation.IsValidPathSegmentName,
            WriteAuthorization = new BindingEscalation(escalation, "rolebindings"),
        };
        yield return new ResourceDefinition(Name, "v1", "ClusterRoleBinding", "clusterrolebindings", Namespaced: false)
        {
            Strategy = new BindingStrategy(namespaced: false),
            Defaulter = new ResourceDefaulter(BindingValidation.SetDefaults),
            Table = new BindingTable(),
            NameValidator = NameValidation.IsValidPathSegmentName,
            WriteAuthorization = new BindingEscalation(escalation, "clusterrolebindings"),
        };
    }
}
