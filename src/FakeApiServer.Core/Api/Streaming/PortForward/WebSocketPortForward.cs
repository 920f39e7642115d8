using System.Buffers.Binary;
using System.Text;
using FakeApiServer.Api.Streaming.WebSockets;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.PortForward;

/// <summary>
/// Port-forward over WebSocket channels (the C# and Python clients; protocols v4.channel.k8s.io,
/// v4.base64.channel.k8s.io, or none), as the kubelet serves it: one connection per port of ?ports=, channel 2i carrying
/// its data both ways and channel 2i+1 its errors, each opened by the port as two little-endian bytes. The WebSocket
/// closes once every port's connection ended.
/// </summary>
internal static class WebSocketPortForward
{
    /// <summary>The tunnelling subprotocol of kubectl 1.31+: SPDY inside WebSocket binary messages.</summary>
    public const string SpdyTunnel = "SPDY/3.1+" + SpdyPortForward.Protocol;

    private static readonly string[] Protocols = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io"];

    /// <summary>How long to let the client answer the close.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The subprotocol to answer: the SPDY tunnel when offered (the apiserver's tunnelling handler takes those requests),
    /// else the client's first channel protocol the kubelet serves, or none when it names none; 403 otherwise.
    /// </summary>
    public static string Negotiate(IReadOnlyList<string> offered) => HttpUpgrade.NegotiateWebSocket(offered, SpdyTunnel, Protocols);

    public static async Task ServeAsync(System.Net.WebSockets.WebSocket socket, string protocol, IReadOnlyList<int> ports, IContainerRuntime runtime, ContainerTarget target, TimeProvider time, CancellationToken cancellationToken)
    {
        using var connection = new ChannelConnection(socket, protocol.Contains("base64", StringComparison.Ordinal), closeSignal: false, Enumerable.Range(0, ports.Count).Select(i => 2 * i));
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = connection.RunAsync(ended.Token);
        StreamCancellation.CancelWhenDone(reading, ended);
        try
        {
            var prefix = new byte[2];
            for (var i = 0; i < ports.Count; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)ports[i]);
                await connection.WriteAsync(2 * i, prefix, ended.Token);
                await connection.WriteAsync((2 * i) + 1, prefix, ended.Token);
            }

            await Task.WhenAll(ports.Select((port, i) => ForwardAsync(connection, i, port, runtime, target, ended.Token)));
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

    private static async Task ForwardAsync(ChannelConnection connection, int index, int port, IContainerRuntime runtime, ContainerTarget target, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await runtime.PortForwardAsync(target, port, connection.Duplex(2 * index, 2 * index), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var message = $"error forwarding port {port} to pod {target.Name}, uid {target.Uid}: {e.Message}";
                await connection.WriteAsync((2 * index) + 1, Encoding.UTF8.GetBytes(message), cancellationToken);
            }
            catch (Exception write) when (write is IOException or OperationCanceledException)
            {
                // The client is gone.
            }
        }
    }
}
