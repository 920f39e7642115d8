using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/exec, attach and portforward (pods/log goes to <see cref="PodLogVerb"/>). Upstream proxies them to the pod's kubelet; here containers are simulated and
/// no kubelet serves streams yet (issue 18), so an existing pod answers 400 BadRequest saying so, as upstream answers
/// when the kubelet cannot serve a container (a container that is not running, not found). 400 with reason BadRequest is
/// what kubectl prints plainly as "Error from server (BadRequest): ..." for logs and, through a failed SPDY upgrade,
/// for exec, attach and port-forward; a 503 would read as a server fault and invite retries. A missing pod is a 404.
/// </summary>
internal static class ContainerStreamsVerb
{
    /// <summary>The methods upstream routes: GET for log, GET and POST (websocket or SPDY upgrade) for the others.</summary>
    public static bool Serves(string subresource, string method) => subresource switch
    {
        "log" => method == "GET",
        "exec" or "attach" or "portforward" => method is "GET" or "POST",
        _ => false,
    };

    public static Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        if (request.Info.Subresource == "log")
        {
            return PodLogVerb.HandleAsync(context, request);
        }

        var name = request.Name;
        _ = request.Store.Get(request.Namespace, name);
        var what = request.Info.Subresource switch
        {
            "exec" => "exec",
            "attach" => "attach",
            _ => "port-forward",
        };
        throw ApiException.BadRequest(
            $"cannot serve {what} for pod \"{name}\": containers are simulated by fakeapiserver, which serves no container logs, exec, attach or port-forward");
    }
}
