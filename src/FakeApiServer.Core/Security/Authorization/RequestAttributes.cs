using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// The authorization attributes of an HTTP request, as upstream's GetAuthorizerAttributes: the request's user and its
/// <see cref="RequestInfo"/> (verb, group, version, namespace, resource, subresource, name), or for a non-resource
/// request the path and the lowercase method.
/// </summary>
internal static class RequestAttributes
{
    public static AuthorizationAttributes From(HttpContext context)
    {
        var user = context.GetUser();
        var info = RequestInfo.Of(context);
        return info.IsResourceRequest
            // The version given to ForResource: one record, not ForResource's and a copy of it with the version.
            ? AuthorizationAttributes.ForResource(user, info.Verb, info.Group, info.Resource, info.Namespace, info.Name, info.Subresource, info.Version)
            : AuthorizationAttributes.ForPath(user, info.Verb, info.Path);
    }
}
