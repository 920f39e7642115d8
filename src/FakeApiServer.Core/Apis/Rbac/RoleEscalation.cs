using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Apis.Rbac;

/// <summary>
/// Upstream's policy-based Role and ClusterRole storage: a writer who is not in system:masters and may not "escalate"
/// the role must already hold every rule the role grants; an aggregationRule (which can gather anything) needs
/// cluster-admin's authority. An update that keeps the rules (and aggregationRule) is not checked.
/// </summary>
internal sealed class RoleEscalation : IWriteAuthorization
{
    /// <summary>What the aggregationRule needs: everything, as upstream's fullAuthority.</summary>
    private static readonly PolicyRule[] FullAuthority =
    [
        new() { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
        new() { Verbs = ["*"], NonResourceUrls = ["*"] },
    ];

    private readonly EscalationCheck _check;
    private readonly string _resource;

    /// <param name="check">The rule resolver and authorizer.</param>
    /// <param name="resource">"roles" or "clusterroles".</param>
    public RoleEscalation(EscalationCheck check, string resource)
    {
        _check = check;
        _resource = resource;
    }

    public void AuthorizeCreate(UserInfo user, string ns, JsonObject obj) => Authorize(user, ns, "", obj, null);

    public void AuthorizeUpdate(UserInfo user, string ns, JsonObject newObj, JsonObject oldObj) => Authorize(user, ns, newObj.Name(), newObj, oldObj);

    /// <summary>The check of a write; <paramref name="requestName"/> is the name on the request path ("" on a create), which "escalate" names.</summary>
    private void Authorize(UserInfo user, string ns, string requestName, JsonObject obj, JsonObject? oldObj)
    {
        if (EscalationCheck.EscalationAllowed(user) || _check.Allows(user, "escalate", _resource, ns, requestName))
        {
            return;
        }

        if (oldObj is null || !JsonNode.DeepEquals(obj["rules"], oldObj["rules"]))
        {
            if (_check.Confirm(user, ns, PolicyRule.ListFromJson(obj["rules"])) is { } why)
            {
                throw EscalationCheck.Forbidden(_resource, obj.Name(), why);
            }
        }

        if (obj["aggregationRule"] is JsonObject && (oldObj is null || !JsonNode.DeepEquals(obj["aggregationRule"], oldObj["aggregationRule"]))
            && _check.Confirm(user, ns, FullAuthority) is not null)
        {
            throw EscalationCheck.Forbidden(_resource, obj.Name(), "must have cluster-admin privileges to use the aggregationRule");
        }
    }
}
