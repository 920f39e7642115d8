using FakeApiServer.Api.Streaming.WebSockets;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// exec and attach over WebSocket channels: v5.channel.k8s.io (kubectl 1.30+, served by the apiserver's stream
/// translator upstream) and, as the kubelet serves them, v4.channel.k8s.io, v4.base64.channel.k8s.io, channel.k8s.io and
/// base64.channel.k8s.io (the C# and Python clients). Channels 0-4 are stdin, stdout, stderr, error and resize; an empty
/// message on the lowest channel the server writes tells the client it is connected; the status goes on channel 3
/// (JSON for v4 and v5, a failure's text before) and then the WebSocket closes.
/// </summary>
internal static class WebSocketRemoteCommand
{
    public const string V5 = "v5.channel.k8s.io";

    /// <summary>The protocols the kubelet serves ("" is a client that names none).</summary>
    private static readonly string[] KubeletProtocols = ["channel.k8s.io", "base64.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io"];

    /// <summary>How long to let the client answer the close, so nothing it has still to read is cut off.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The subprotocol to answer: v5 whenever offered (upstream's translator takes any request offering it), otherwise the
    /// client's first that the kubelet serves, or none when it offers none; a 403 when it offers only others.
    /// </summary>
    public static string Negotiate(IReadOnlyList<string> offered) => HttpUpgrade.NegotiateWebSocket(offered, V5, KubeletProtocols);

    public static async Task ServeAsync(System.Net.WebSockets.WebSocket socket, string protocol, RemoteCommandSession session, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = session.Options;
        var v4OrLater = protocol is V5 or "v4.channel.k8s.io" or "v4.base64.channel.k8s.io";
        var readable = options.Stdin ? new[] { 0, 4 } : [4];
        using var connection = new ChannelConnection(socket, protocol.Contains("base64", StringComparison.Ordinal), protocol == V5, readable);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = connection.RunAsync(ended.Token);
        try
        {
            await connection.WriteAsync(options.Stdout ? 1 : options.Stderr ? 2 : 3, ReadOnlyMemory<byte>.Empty, ended.Token);
            StreamCancellation.CancelWhenDone(reading, ended);
            var io = new TransportContainerStreams(
                options.Tty,
                options.Stdin ? connection.Input(0) : null,
                options.Stdout ? connection.Writer(1) : null,
                options.Stderr ? connection.Writer(2) : null,
                TerminalResizes.Read(options.Tty ? connection.Input(4) : null, ended.Token));
            var status = await session.RunAsync(io, translated: protocol == V5, ended.Token);
            var message = v4OrLater ? status.ToJson() : status.ToText();
            if (message.Length > 0)
            {
                await connection.WriteAsync(3, message, ended.Token);
            }

            await connection.CloseAsync(ended.Token);
            await Task.WhenAny(reading, Task.Delay(CloseGrace, time, ended.Token));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            StreamCancellation.TryCancel(ended);
            await reading;
        }
    }
}
