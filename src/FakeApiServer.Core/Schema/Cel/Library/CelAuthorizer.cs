using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// Kubernetes' authz library: the <c>authorizer</c> variable asks the server's authorizer (RBAC and the other modes)
/// about the request's user: <c>authorizer.group('apps').resource('deployments').namespace('ns').name('n').check('delete').allowed()</c>,
/// <c>authorizer.path('/healthz').check('get')</c>, <c>authorizer.serviceAccount(ns, name)</c> and
/// <c>authorizer.requestResource</c> (the request's own resource).
/// </summary>
internal sealed record CelAuthorizer(IAuthorizer Authorizer, UserInfo User, CelResourceCheck? RequestResource) : ICelFields
{
    public const string TypeName = "kubernetes.authorization.Authorizer";

    public bool TryGetField(string name, out object value)
    {
        value = CelNull.Value;
        if (name != "requestResource" || RequestResource is null)
        {
            return false;
        }

        value = RequestResource;
        return true;
    }

    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        switch (function, target, args.Count)
        {
            case ("path", CelAuthorizer a, 1) when args[0] is string path:
                result = new CelPathCheck(a, path);
                return true;
            case ("group", CelAuthorizer a, 1) when args[0] is string group:
                result = new CelResourceCheck(a, group, "", "", "", "");
                return true;
            case ("serviceAccount", CelAuthorizer a, 2) when args[0] is string ns && args[1] is string name:
                result = a with
                {
                    User = UserInfo.Of("system:serviceaccount:" + ns + ":" + name, "system:serviceaccounts", "system:serviceaccounts:" + ns, UserInfo.AuthenticatedGroup),
                    RequestResource = null,
                };
                return true;
            case ("resource", CelResourceCheck r, 1) when args[0] is string resource:
                result = r with { Resource = resource };
                return true;
            case ("subresource", CelResourceCheck r, 1) when args[0] is string subresource:
                result = r with { Subresource = subresource };
                return true;
            case ("namespace", CelResourceCheck r, 1) when args[0] is string ns:
                result = r with { Namespace = ns };
                return true;
            case ("name", CelResourceCheck r, 1) when args[0] is string name:
                result = r with { Name = name };
                return true;
            case ("check", CelResourceCheck r, 1) when args[0] is string verb:
                result = Decide(r.Owner, AuthorizationAttributes.ForResource(r.Owner.User, verb, r.Group, r.Resource, r.Namespace, r.Name, r.Subresource));
                return true;
            case ("check", CelPathCheck p, 1) when args[0] is string verb:
                result = Decide(p.Owner, AuthorizationAttributes.ForPath(p.Owner.User, verb, p.Path));
                return true;
            case ("allowed", CelDecision d, 0):
                result = d.Decision.Allowed;
                return true;
            case ("reason", CelDecision d, 0):
                result = d.Decision.Reason;
                return true;
            case ("errored", CelDecision, 0):
                result = false;
                return true;
            case ("error", CelDecision, 0):
                result = "";
                return true;
            default:
                return false;
        }
    }

    private static CelDecision Decide(CelAuthorizer owner, AuthorizationAttributes attributes) =>
        new(owner.Authorizer.Authorize(attributes with { ApiVersion = "*" }));
}

/// <summary>An authorizer check on a resource, built up by group/resource/subresource/namespace/name.</summary>
internal sealed record CelResourceCheck(CelAuthorizer Owner, string Group, string Resource, string Subresource, string Namespace, string Name)
{
    public const string TypeName = "kubernetes.authorization.ResourceCheck";
}

/// <summary>An authorizer check on a non-resource path.</summary>
internal sealed record CelPathCheck(CelAuthorizer Owner, string Path)
{
    public const string TypeName = "kubernetes.authorization.PathCheck";
}

/// <summary>The authorizer's answer: allowed(), reason(), errored(), error().</summary>
internal sealed record CelDecision(AuthorizationDecision Decision)
{
    public const string TypeName = "kubernetes.authorization.Decision";
}
