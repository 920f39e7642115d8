using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// Upstream's policy-based RoleBinding and ClusterRoleBinding storage: a writer who is not in system:masters and may not
/// "bind" the referenced role (in the binding's namespace) must already hold every rule of that role. An update that
/// keeps roleRef is not checked (and roleRef cannot change).
/// </summary>
internal sealed class BindingEscalation : IWriteAuthorization
{
    private readonly EscalationCheck _check;
    private readonly string _resource;

    /// <param name="check">The rule resolver and authorizer.</param>
    /// <param name="resource">"rolebindings" or "clusterrolebindings".</param>
    public BindingEscalation(EscalationCheck check, string resource)
    {
        _check = check;
        _resource = resource;
    }

    public void AuthorizeCreate(UserInfo user, string ns, JsonObject obj) => Authorize(user, ns, obj);

    public void AuthorizeUpdate(UserInfo user, string ns, JsonObject newObj, JsonObject oldObj)
    {
        if (!JsonNode.DeepEquals(newObj["roleRef"], oldObj["roleRef"]))
        {
            Authorize(user, ns, newObj);
        }
    }

    private void Authorize(UserInfo user, string ns, JsonObject binding)
    {
        if (EscalationCheck.EscalationAllowed(user))
        {
            return;
        }

        var roleRef = RbacRoleRef.FromJson(binding["roleRef"]);
        var roleResource = roleRef.Kind switch
        {
            RbacRoleRef.ClusterRole => "clusterroles",
            RbacRoleRef.Role => "roles",
            _ => null,
        };
        if (roleResource is not null && _check.Allows(user, "bind", roleResource, ns, roleRef.Name))
        {
            return;
        }

        var (rules, error) = _check.Policy.RoleReferenceRules(roleRef, ns);
        if (error is not null)
        {
            throw EscalationCheck.Forbidden(_resource, binding.Name(), error);
        }

        if (_check.Confirm(user, ns, rules) is { } why)
        {
            throw EscalationCheck.Forbidden(_resource, binding.Name(), why);
        }
    }
}
