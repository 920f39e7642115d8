using System.Text.Json.Nodes;
using FakeApiServer.Api.Streaming.PortForward;
using FakeApiServer.Api.Streaming.RemoteCommand;
using FakeApiServer.SimulatedContainers;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Streaming;

/// <summary>
/// pods/exec, pods/attach and pods/portforward: what upstream's apiserver checks (the pod exists: 404; the container is
/// valid and the pod has a node: 400, through <see cref="SimulatedContainers.IContainerRuntime"/>; an upgrade was
/// asked for: 400 "Upgrade request required"), all before the connection is upgraded, so each is a Status; then what the
/// kubelet checks, whose refusal is its plain-text 500 (or, through the v5 translator, an InternalError on the error
/// channel); then the transport the client asked for: WebSocket channels, a SPDY/3.1 upgrade, or for
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
        var (target, refusal) = Resolve(() => api.Containers.ResolveContainer(ReadPod(request), options.Container));
        RequireUpgrade(context);
        options.Validate();
        var session = new RemoteCommandSession(api.Containers, target, options, Exec: request.Info.Subresource == "exec") { Refusal = refusal?.Message };
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Stopping);
        if (HttpUpgrade.IsWebSocketRequest(context.Request))
        {
            var protocol = WebSocketRemoteCommand.Negotiate(HttpUpgrade.WebSocketProtocols(context.Request));
            if (refusal is not null && protocol != WebSocketRemoteCommand.V5)
            {
                await WriteRefusalAsync(context, refusal);
                return;
            }

            var socket = await HttpUpgrade.AcceptWebSocketAsync(context, protocol);
            await WebSocketRemoteCommand.ServeAsync(socket, protocol, session, api.Time, lifetime.Token);
        }
        else if (refusal is not null)
        {
            await WriteRefusalAsync(context, refusal);
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
        ContainerTarget target;
        try
        {
            target = api.Containers.ResolvePod(ReadPod(request));
        }
        catch (KubeletRefusalException refusal)
        {
            RequireUpgrade(context);
            await WriteRefusalAsync(context, refusal);
            return;
        }

        RequireUpgrade(context);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Stopping);
        if (HttpUpgrade.IsWebSocketRequest(context.Request))
        {
            var protocol = WebSocketPortForward.Negotiate(HttpUpgrade.WebSocketProtocols(context.Request));
            if (protocol == WebSocketPortForward.SpdyTunnel)
            {
                var tunnel = await HttpUpgrade.AcceptWebSocketAsync(context, protocol);
                await SpdyPortForward.ServeAsync(new WebSockets.WebSocketTunnelStream(tunnel), api.Containers, target, api.Time, lifetime.Token);
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
            await SpdyPortForward.ServeAsync(transport, api.Containers, target, api.Time, lifetime.Token);
        }
    }

    /// <summary>The target, or the kubelet's refusal to connect to it (the API server's own checks still throw their Status).</summary>
    private static (ContainerTarget? Target, KubeletRefusalException? Refusal) Resolve(Func<ContainerTarget> resolve)
    {
        try
        {
            return (resolve(), null);
        }
        catch (KubeletRefusalException e)
        {
            return (null, e);
        }
    }

    /// <summary>The kubelet's answer to a stream it will not start, passed on by the API server as it is: the error as plain text.</summary>
    private static Task WriteRefusalAsync(HttpContext context, KubeletRefusalException refusal)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(refusal.Message, context.RequestAborted);
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
