using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace FakeApiServer.Api.Streaming;

/// <summary>
/// The HTTP/1.1 upgrades that carry pods/exec, attach and portforward: a WebSocket handshake (RFC 6455, with the
/// subprotocol the endpoint chose) or a SPDY/3.1 upgrade (101 with Upgrade: SPDY/3.1 and the negotiated
/// X-Stream-Protocol-Version), as upstream's wsstream and httpstream/spdy answer. Checks that can fail run before the
/// upgrade, so their errors are ordinary Status responses.
/// </summary>
internal static class HttpUpgrade
{
    public const string StreamProtocolHeader = "X-Stream-Protocol-Version";
    public const string AcceptedStreamProtocolsHeader = "X-Accepted-Stream-Protocol-Versions";
    public const string Spdy31 = "SPDY/3.1";
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>A Connection header naming upgrade (httpstream.IsUpgradeRequest).</summary>
    public static bool IsUpgradeRequest(HttpRequest request) =>
        request.Headers.Connection.Any(v => v is not null && v.Contains("upgrade", StringComparison.OrdinalIgnoreCase));

    /// <summary>An upgrade to websocket (wsstream.IsWebSocketRequest).</summary>
    public static bool IsWebSocketRequest(HttpRequest request) =>
        string.Equals(request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase) && IsUpgradeRequest(request);

    /// <summary>The subprotocols the client offers, in its order (Sec-WebSocket-Protocol, comma separated).</summary>
    public static IReadOnlyList<string> WebSocketProtocols(HttpRequest request) => CommaSeparated(request.Headers.SecWebSocketProtocol);

    /// <summary>
    /// The WebSocket subprotocol to answer: <paramref name="preferred"/> whenever offered (the apiserver's own handler
    /// takes those requests), otherwise the client's first that the kubelet serves, or none when it offers none; a 403
    /// when it offers only others.
    /// </summary>
    public static string NegotiateWebSocket(IReadOnlyList<string> offered, string preferred, IReadOnlyList<string> kubeletProtocols)
    {
        if (offered.Contains(preferred))
        {
            return preferred;
        }

        if (offered.Count == 0)
        {
            return "";
        }

        return offered.FirstOrDefault(kubeletProtocols.Contains)
            ?? throw new ApiException(403, "Forbidden", $"requested protocol(s) are not supported: [{string.Join(' ', offered)}]; supports [{preferred} {string.Join(' ', kubeletProtocols)}]");
    }

    /// <summary>
    /// The client's first X-Stream-Protocol-Version the server supports (httpstream.Handshake); 400 when it offers none,
    /// 403 (listing the accepted versions in X-Accepted-Stream-Protocol-Versions) when none is supported.
    /// </summary>
    public static string NegotiateSpdy(HttpContext context, IReadOnlyList<string> serverProtocols)
    {
        var request = context.Request;
        if (!request.Headers.Upgrade.Any(v => v is not null && v.Contains(Spdy31, StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiException.BadRequest($"unable to upgrade: missing upgrade headers in request: Upgrade {request.Headers.Upgrade}, Connection {request.Headers.Connection}");
        }

        if (!request.Headers.TryGetValue(StreamProtocolHeader, out var values))
        {
            throw ApiException.BadRequest($"unable to upgrade: header {StreamProtocolHeader} does not exist in request with {request.Headers.Count} headers");
        }

        var clientProtocols = CommaSeparated(values);
        if (clientProtocols.Count == 0)
        {
            throw ApiException.BadRequest($"unable to upgrade: header {StreamProtocolHeader} contains [{string.Join(' ', values.ToArray())}], but no valid protocols");
        }

        if (clientProtocols.FirstOrDefault(serverProtocols.Contains) is { } chosen)
        {
            return chosen;
        }

        context.Response.Headers[AcceptedStreamProtocolsHeader] = new StringValues([.. serverProtocols]);
        throw new ApiException(403, "Forbidden",
            $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', clientProtocols)}], server accepts [{string.Join(' ', serverProtocols)}]");
    }

    /// <summary>Answers 101 Switching Protocols to SPDY/3.1 with <paramref name="protocol"/>; the raw connection.</summary>
    public static Task<Stream> UpgradeToSpdyAsync(HttpContext context, string protocol)
    {
        var upgrade = UpgradeFeature(context);
        context.Response.Headers.Upgrade = Spdy31;
        context.Response.Headers[StreamProtocolHeader] = protocol;
        return upgrade.UpgradeAsync();
    }

    /// <summary>Completes the WebSocket handshake with <paramref name="protocol"/> ("" for none) and opens the server side.</summary>
    public static async Task<System.Net.WebSockets.WebSocket> AcceptWebSocketAsync(HttpContext context, string protocol)
    {
        var request = context.Request;
        var key = request.Headers.SecWebSocketKey.ToString();
        if (key.Length == 0 || request.Headers.SecWebSocketVersion.ToString() != "13")
        {
            throw ApiException.BadRequest("unable to upgrade: a websocket handshake needs Sec-WebSocket-Key and Sec-WebSocket-Version 13");
        }

        var upgrade = UpgradeFeature(context);
        var headers = context.Response.Headers;
        headers.Upgrade = "websocket";
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it proves a WebSocket handshake, not integrity.
        headers.SecWebSocketAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
#pragma warning restore CA5350
        if (protocol.Length > 0)
        {
            headers.SecWebSocketProtocol = protocol;
        }

        // The subprotocol went out in the handshake above; WebSocketCreationOptions.SubProtocol is informational and
        // refuses names with '/', such as the port-forward tunnel's SPDY/3.1+portforward.k8s.io.
        var stream = await upgrade.UpgradeAsync();
        return System.Net.WebSockets.WebSocket.CreateFromStream(stream, new System.Net.WebSockets.WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
        });
    }

    private static IHttpUpgradeFeature UpgradeFeature(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade
            ? upgrade
            : throw ApiException.BadRequest("Upgrade request required");

    private static List<string> CommaSeparated(StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',')).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
}
