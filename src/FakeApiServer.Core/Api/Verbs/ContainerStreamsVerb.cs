using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/log, exec, attach and portforward. Upstream proxies them to the pod's kubelet; here containers are simulated:
/// logs come from the simulated kubelet's log store (<see cref="PodLogVerb"/>), and exec, attach and portforward are
/// served by the stream transports (<see cref="Streaming.ContainerStreamEndpoint"/>) over the simulated containers.
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

    public static Task HandleAsync(HttpContext context, ResourceRequest request) => request.Info.Subresource switch
    {
        "log" => PodLogVerb.HandleAsync(context, request),
        "exec" or "attach" => Streaming.ContainerStreamEndpoint.ExecOrAttachAsync(context, request),
        _ => Streaming.ContainerStreamEndpoint.PortForwardAsync(context, request),
    };
}
