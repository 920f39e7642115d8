using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using FakeApiServer.Api.Streaming.WebSockets;

namespace FakeApiServer.Tests.Api.Streaming;

/// <summary>The WebSocket channel protocols: channel bytes, base64 text messages and v5's close signal, over a loopback socket pair.</summary>
public sealed class ChannelConnectionTests
{
    [Fact]
    public async Task A_v5_close_signal_ends_the_channel_after_its_data()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (server, client) = await PairAsync(timeout.Token);
        using var connection = new ChannelConnection(server, base64: false, closeSignal: true, readable: [0]);
        var reading = connection.RunAsync(timeout.Token);

        await client.SendAsync(new byte[] { 0, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary, true, timeout.Token);
        await client.SendAsync(new byte[] { 2, (byte)'x' }, WebSocketMessageType.Binary, true, timeout.Token);
        await client.SendAsync(new byte[] { ChannelConnection.CloseSignal, 0 }, WebSocketMessageType.Binary, true, timeout.Token);
        using var reader = new StreamReader(connection.Input(0));

        Assert.Equal("hi", await reader.ReadToEndAsync(timeout.Token));
        await LeaveAsync(client, reading);
    }

    [Fact]
    public async Task Each_frame_of_a_message_starts_with_its_channel_byte()
    {
        // The .NET client's StreamDemuxer writes over 15 MiB as frames of one message, each with the channel byte;
        // upstream's wsstream reads frame by frame. 2 MiB + 1 frames span several receives on the server.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (server, client) = await PairAsync(timeout.Token);
        using var connection = new ChannelConnection(server, base64: false, closeSignal: false, readable: [0]);
        var reading = connection.RunAsync(timeout.Token);
        var data = new byte[(5 << 20) + 7];
        new Random(7).NextBytes(data);
        var sizes = new[] { 2 << 20, 2 << 20, (1 << 20) + 7 };

        var sending = Task.Run(async () =>
        {
            var offset = 0;
            foreach (var size in sizes)
            {
                var frame = new byte[size + 1];
                data.AsSpan(offset, size).CopyTo(frame.AsSpan(1));
                offset += size;
                await client.SendAsync(frame, WebSocketMessageType.Binary, offset == data.Length, timeout.Token);
            }
        }, timeout.Token);
        var received = new byte[data.Length];
        await connection.Input(0).ReadExactlyAsync(received, timeout.Token);
        await sending;

        Assert.True(data.AsSpan().SequenceEqual(received));
        await LeaveAsync(client, reading);
    }

    [Fact]
    public async Task Base64_protocols_send_the_channel_digit_and_base64_text()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (server, client) = await PairAsync(timeout.Token);
        using var connection = new ChannelConnection(server, base64: true, closeSignal: false, readable: [0]);
        var reading = connection.RunAsync(timeout.Token);

        await connection.WriteAsync(1, "hi"u8.ToArray(), timeout.Token);
        await client.SendAsync(Encoding.ASCII.GetBytes("0" + Convert.ToBase64String("in"u8)), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64];
        var received = await client.ReceiveAsync(buffer, timeout.Token);
        var input = new byte[2];
        await connection.Input(0).ReadExactlyAsync(input, timeout.Token);

        Assert.Equal((WebSocketMessageType.Text, "1aGk="), (received.MessageType, Encoding.ASCII.GetString(buffer, 0, received.Count)));
        Assert.Equal("in", Encoding.ASCII.GetString(input));
        await LeaveAsync(client, reading);
    }

    [Fact]
    public async Task Binary_protocols_prefix_the_channel_byte()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (server, client) = await PairAsync(timeout.Token);
        using var connection = new ChannelConnection(server, base64: false, closeSignal: false, readable: []);

        await connection.WriteAsync(3, ReadOnlyMemory<byte>.Empty, timeout.Token);
        await connection.WriteAsync(2, "e"u8.ToArray(), timeout.Token);
        var buffer = new byte[64];
        var empty = await client.ReceiveAsync(buffer, timeout.Token);
        var first = buffer[..empty.Count];
        var data = await client.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(new byte[] { 3 }, first);
        Assert.Equal(new byte[] { 2, (byte)'e' }, buffer[..data.Count]);
        client.Dispose();
    }

    /// <summary>The client leaves; the server's receive loop ends by itself.</summary>
    private static async Task LeaveAsync(WebSocket client, Task reading)
    {
        client.Dispose();
        await reading;
    }

    private static async Task<(WebSocket Server, WebSocket Client)> PairAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = listener.AcceptTcpClientAsync(cancellationToken);
        var connecting = new TcpClient();
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
        var accepted = await accepting;
        var server = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true });
        var client = WebSocket.CreateFromStream(connecting.GetStream(), new WebSocketCreationOptions { IsServer = false });
        return (server, client);
    }
}
