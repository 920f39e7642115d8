using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// Which requests are long-running, as kube-apiserver's BasicLongRunningRequestCheck reads the request info: the verbs
/// watch (a collection GET with ?watch=true, or the /watch/ path prefix) and proxy, and the streaming subresources (exec,
/// attach, portforward, proxy, log) of a resource. They are exempt from the in-flight limits and the request timeout.
/// An object that is merely named "log" or "exec" is not a subresource, a named GET with ?watch=true is a get, and a
/// path with doubled slashes parses as upstream's does; so none of them escapes the limits.
/// </summary>
internal static class LongRunningRequests
{
    private static readonly HashSet<string> StreamingSubresources = ["exec", "attach", "portforward", "proxy", "log"];

    public static bool IsLongRunning(HttpContext context) => IsLongRunning(RequestInfo.Of(context));

    /// <summary>Whether the request <paramref name="info"/> describes is long-running.</summary>
    public static bool IsLongRunning(RequestInfo info) => IsLongRunning(info.Verb, info.IsResourceRequest, info.Subresource);

    /// <summary>Whether a request of this verb (and subresource, for a resource request) is long-running.</summary>
    public static bool IsLongRunning(string verb, bool isResourceRequest, string subresource) =>
        verb is "watch" or "proxy" || (isResourceRequest && StreamingSubresources.Contains(subresource));

    /// <summary>A watch: what authorization calls the verb watch.</summary>
    public static bool IsWatch(HttpContext context) => RequestInfo.Of(context).Verb == "watch";
}
