using System.Net.WebSockets;
using System.Text;

namespace FakeApiServer.Api.Streaming.WebSockets;

/// <summary>
/// The WebSocket channel protocols of pods/exec, attach and portforward (upstream's wsstream.Conn): every message starts
/// with its channel number, one byte in the binary protocols (channel.k8s.io, v4. and v5.channel.k8s.io) or the digit
/// '0'+n in the base64 ones, whose text messages carry base64 data. v5.channel.k8s.io adds the close signal: a message
/// [255, n] from the client ends its channel n, as closing stdin does. Messages to channels this side does not read are
/// dropped, as upstream's ignored channels.
/// </summary>
internal sealed class ChannelConnection : IDisposable
{
    /// <summary>The most one receive asks for: above every frame size clients use, except the .NET client's 15 MiB + 1.</summary>
    private const int ReceiveSize = 1 << 20;

    /// <summary>The first byte of v5's close signal (remotecommand.StreamClose).</summary>
    public const byte CloseSignal = 255;

    private readonly WebSocket _socket;
    private readonly bool _base64;
    private readonly bool _closeSignal;
    private readonly Dictionary<int, InboundBuffer> _readable;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <param name="socket">The accepted WebSocket.</param>
    /// <param name="base64">Whether the protocol is one of the base64 ones (text messages).</param>
    /// <param name="closeSignal">Whether the protocol is v5.channel.k8s.io, whose clients close channels with [255, n].</param>
    /// <param name="readable">The channels the client may send on.</param>
    public ChannelConnection(WebSocket socket, bool base64, bool closeSignal, IEnumerable<int> readable)
    {
        _socket = socket;
        _base64 = base64;
        _closeSignal = closeSignal;
        _readable = readable.ToDictionary(c => c, _ => new InboundBuffer());
    }

    /// <summary>What the client sends on <paramref name="channel"/> (one of the readable ones); reads return 0 once it closed it or left.</summary>
    public Stream Input(int channel) => _readable[channel].Reader;

    /// <summary>A write-only stream whose writes are messages on <paramref name="channel"/>.</summary>
    public Stream Writer(int channel) => new ChannelStream(null, (data, ct) => new ValueTask(WriteAsync(channel, data, ct)));

    /// <summary>A stream reading <paramref name="readChannel"/> and writing <paramref name="writeChannel"/>.</summary>
    public Stream Duplex(int readChannel, int writeChannel) =>
        new ChannelStream(Input(readChannel), (data, ct) => new ValueTask(WriteAsync(writeChannel, data, ct)));

    /// <summary>Sends one message on <paramref name="channel"/>; an empty one tells the client the connection is ready.</summary>
    public async Task WriteAsync(int channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        byte[] message;
        if (_base64)
        {
            message = Encoding.ASCII.GetBytes((char)('0' + channel) + Convert.ToBase64String(data.Span));
        }
        else
        {
            message = new byte[data.Length + 1];
            message[0] = (byte)channel;
            data.CopyTo(message.AsMemory(1));
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, _base64 ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        catch (WebSocketException e)
        {
            throw new IOException("the websocket connection is closed", e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Receives frames until the client closes or leaves; then every channel's input ends. Each frame, not each message,
    /// starts with its channel byte, as upstream's wsstream reads them (golang.org/x/net/websocket, a frame at a time):
    /// the .NET client splits a write over 15 MiB into frames of one message, each with the channel byte. A receive
    /// returns at most the rest of one frame and fills the buffer unless the frame ends, so a receive shorter than
    /// <see cref="ReceiveSize"/>, or the message's last, ends a frame.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ReceiveSize);
        using var frame = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(0, ReceiveSize), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                frame.Write(buffer, 0, result.Count);
                if (result.Count == ReceiveSize && !result.EndOfMessage)
                {
                    continue;
                }

                await DispatchAsync(frame.ToArray(), result.MessageType, cancellationToken);
                frame.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            foreach (var input in _readable.Values)
            {
                input.End();
            }
        }
    }

    public void Dispose()
    {
        _sendLock.Dispose();
        _socket.Dispose();
    }

    /// <summary>Starts the closing handshake (normal closure); the receive loop ends when the client answers.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }
        catch (WebSocketException)
        {
            // Already gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task DispatchAsync(byte[] message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        if (message.Length == 0)
        {
            return;
        }

        if (_closeSignal && message[0] == CloseSignal)
        {
            if (message.Length == 2 && _readable.TryGetValue(message[1], out var closed))
            {
                closed.End();
            }

            return;
        }

        var channel = _base64 && type == WebSocketMessageType.Text ? message[0] - '0' : message[0];
        if (!_readable.TryGetValue(channel, out var input))
        {
            return;
        }

        var data = message.AsMemory(1);
        if (_base64 && type == WebSocketMessageType.Text)
        {
            try
            {
                data = Convert.FromBase64String(Encoding.ASCII.GetString(data.Span));
            }
            catch (FormatException)
            {
                // Upstream logs a frame it cannot decode and goes on.
                return;
            }
        }

        await input.AppendAsync(data, cancellationToken);
    }
}
