using System.Text.Json.Nodes;
using FakeApiServer.Api.Streaming.PortForward;
using FakeApiServer.Api.Streaming.RemoteCommand;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Streaming;

/// <summary>
/// pods/exec, pods/attach and pods/portforward: what upstream's apiserver checks (the pod exists: 404; the container is
/// valid and the pod has a node: 400, through <see cref="SimulatedContainers.IContainerRuntime"/>; an upgrade was
/// asked for: 400 "Upgrade request required") and what the kubelet checks, all before the connection is upgraded, so
/// every refusal is a Status; then the transport the client asked for: WebSocket channels, a SPDY/3.1 upgrade, or for
/// port-forward SPDY tunnelled in WebSocket. Authorization (create, or get for a WebSocket GET, on the subresource) has
/// been done by the filters; these requests are long-running, exempt from the in-flight limits, and end when the
/// server stops.
/// </summary>
internal static class ContainerStreamEndpoint
{
    public static async Task ExecOrAttachAsync(HttpContext context, ResourceRequest request)
    {
        var api = request.Api;
        var options = RemoteCommandOptions.Parse(context.Request.Query);
        var target = api.Containers.ResolveContainer(ReadPod(request), options.Container);
        RequireUpgrade(context);
        options.Validate();
        var session = new RemoteCommandSession(api.Containers, target, options, Exec: request.Info.Subresource == "exec");
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Stopping);
        if (HttpUpgrade.IsWebSocketRequest(context.Request))
        {
            var protocol = WebSocketRemoteCommand.Negotiate(HttpUpgrade.WebSocketProtocols(context.Request));
            var socket = await HttpUpgrade.AcceptWebSocketAsync(context, protocol);
            await WebSocketRemoteCommand.ServeAsync(socket, protocol, session, api.Time, lifetime.Token);
        }
        else
        {
            var protocol = HttpUpgrade.NegotiateSpdy(context, SpdyRemoteCommand.Protocols);
            var transport = await HttpUpgrade.UpgradeToSpdyAsync(context, protocol);
            await SpdyRemoteCommand.ServeAsync(transport, protocol, session, api.Time, lifetime.Token);
        }
    }

    public static async Task PortForwardAsync(HttpContext context, ResourceRequest request)
    {
        var api = request.Api;
        var target = api.Containers.ResolvePod(ReadPod(request));
        RequireUpgrade(context);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Stopping);
        if (HttpUpgrade.IsWebSocketRequest(context.Request))
        {
            var protocol = WebSocketPortForward.Negotiate(HttpUpgrade.WebSocketProtocols(context.Request));
            if (protocol == WebSocketPortForward.SpdyTunnel)
            {
                var tunnel = await HttpUpgrade.AcceptWebSocketAsync(context, protocol);
                await SpdyPortForward.ServeAsync(new WebSockets.WebSocketTunnelStream(tunnel), api.Containers, target, lifetime.Token);
                return;
            }

            var ports = PortForwardPorts.Parse(context.Request.Query);
            var socket = await HttpUpgrade.AcceptWebSocketAsync(context, protocol);
            await WebSocketPortForward.ServeAsync(socket, protocol, ports, api.Containers, target, api.Time, lifetime.Token);
        }
        else
        {
            var protocol = HttpUpgrade.NegotiateSpdy(context, [SpdyPortForward.Protocol]);
            var transport = await HttpUpgrade.UpgradeToSpdyAsync(context, protocol);
            await SpdyPortForward.ServeAsync(transport, api.Containers, target, lifetime.Token);
        }
    }

    private static JsonObject ReadPod(ResourceRequest request) =>
        JsonNode.Parse(request.Store.Get(request.Namespace, request.Name).Value)!.AsObject();

    /// <summary>The apiserver's upgrade-aware proxy refuses a plain request to a streaming subresource.</summary>
    private static void RequireUpgrade(HttpContext context)
    {
        if (!HttpUpgrade.IsUpgradeRequest(context.Request))
        {
            throw ApiException.BadRequest("Upgrade request required");
        }
    }
}
