using FakeApiServer.Api;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// The 403 of a request the authorizer refused, as upstream's responsewriters.Forbidden and forbiddenMessage:
/// <c>pods "x" is forbidden: User "bob" cannot get resource "pods/status" in API group "" in the namespace "default"</c>,
/// <c>... at the cluster scope</c>, <c>forbidden: User "bob" cannot get path "/foo"</c>, then ": reason" when there is one.
/// </summary>
internal static class ForbiddenError
{
    public static ApiException For(AuthorizationAttributes attributes, string reason)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var message = Message(attributes);
        if (reason.Length > 0)
        {
            message += ": " + reason;
        }

        return ApiException.Forbidden(new GroupResource(attributes.ApiGroup, attributes.Resource), attributes.Name, message);
    }

    private static string Message(AuthorizationAttributes a)
    {
        var user = a.User.Name;
        if (!a.IsResourceRequest)
        {
            return $"User {Q(user)} cannot {a.Verb} path {Q(a.Path)}";
        }

        var resource = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
        return a.Namespace.Length > 0
            ? $"User {Q(user)} cannot {a.Verb} resource {Q(resource)} in API group {Q(a.ApiGroup)} in the namespace {Q(a.Namespace)}"
            : $"User {Q(user)} cannot {a.Verb} resource {Q(resource)} in API group {Q(a.ApiGroup)} at the cluster scope";
    }

    private static string Q(string value) => Rbac.PolicyRule.GoQuote(value);
}
