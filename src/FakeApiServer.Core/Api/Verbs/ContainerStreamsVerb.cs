using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/log, exec, attach and portforward. Upstream proxies them to the pod's kubelet; here containers are simulated:
/// exec, attach and portforward are served by the stream transports (<see cref="Streaming.ContainerStreamEndpoint"/>)
/// over the simulated containers. No kubelet serves logs yet (issue 18), so an existing pod answers 400 BadRequest saying
/// so, as upstream answers when the kubelet cannot serve a container. A missing pod is a 404.
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
        switch (request.Info.Subresource)
        {
            case "exec" or "attach":
                return Streaming.ContainerStreamEndpoint.ExecOrAttachAsync(context, request);
            case "portforward":
                return Streaming.ContainerStreamEndpoint.PortForwardAsync(context, request);
        }

        var name = request.Name;
        _ = request.Store.Get(request.Namespace, name);
        var what = request.Info.Subresource switch
        {
            "log" => "container logs",
            "exec" => "exec",
            "attach" => "attach",
            _ => "port-forward",
        };
        throw ApiException.BadRequest(
            $"cannot serve {what} for pod \"{name}\": containers are simulated by fakeapiserver, which serves no container logs, exec, attach or port-forward");
    }
}
