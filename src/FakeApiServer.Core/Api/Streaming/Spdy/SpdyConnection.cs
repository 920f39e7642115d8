using System.Collections.Concurrent;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// The server side of a SPDY/3.1 connection (over an upgraded HTTP/1.1 connection, or tunnelled in WebSocket messages), as
/// the clients of pods/exec, attach and portforward expect it from moby/spdystream: clients open the streams (odd ids),
/// the server answers each with SYN_REPLY or RST_STREAM, echoes the client's PINGs, and ends at GOAWAY or the end of the
/// transport. Flow control is not enforced either way: spdystream neither sends WINDOW_UPDATE nor waits for one, so a
/// server that honoured the 64 KiB initial window would stall every larger transfer; SETTINGS and WINDOW_UPDATE are read
/// and ignored, as spdystream does.
/// </summary>
internal sealed class SpdyConnection : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly SpdyFramer _framer = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private uint _lastClientStream;
    private int _disposed;

    public SpdyConnection(Stream transport) => _transport = transport;

    /// <summary>
    /// Reads frames until the client sends GOAWAY, the transport ends or <paramref name="cancellationToken"/> fires, handing
    /// each new stream to <paramref name="onStream"/> (awaited in order: it must reply or reset promptly). When it returns,
    /// every stream's input has ended.
    /// </summary>
    public async Task RunAsync(Func<SpdyStream, CancellationToken, Task> onStream, CancellationToken cancellationToken)
    {
        try
        {
            while (await _framer.ReadAsync(_transport, cancellationToken) is { } frame)
            {
                if (frame.Type == SpdyFrameType.GoAway)
                {
                    break;
                }

                await HandleAsync(frame, onStream, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, the server is stopping, or the peer broke the protocol: the connection ends.
        }
        finally
        {
            foreach (var stream in _streams.Values)
            {
                stream.EndInput();
            }
        }
    }

    /// <summary>Writes one frame; frames are serialised, and header blocks compressed in the order they go out.</summary>
    public async Task SendAsync(SpdyFrame frame, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var bytes = _framer.Encode(frame);
            await _transport.WriteAsync(bytes, cancellationToken);
            await _transport.FlushAsync(cancellationToken);
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("the SPDY connection is closed", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Tells the client no more streams will be accepted (GOAWAY, status OK).</summary>
    public Task GoAwayAsync(CancellationToken cancellationToken) =>
        SendAsync(new SpdyFrame(SpdyFrameType.GoAway, 0, _lastClientStream) { Value = 0 }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _transport.DisposeAsync();
        }
    }

    private async Task HandleAsync(SpdyFrame frame, Func<SpdyStream, CancellationToken, Task> onStream, CancellationToken cancellationToken)
    {
        switch (frame.Type)
        {
            case SpdyFrameType.SynStream:
                if (frame.StreamId % 2 == 0 || frame.StreamId <= _lastClientStream)
                {
                    // Only clients open streams here, with increasing odd ids (section 2.3.2).
                    await SendAsync(new SpdyFrame(SpdyFrameType.RstStream, 0, frame.StreamId) { Value = SpdyStatus.ProtocolError }, cancellationToken);
                    return;
                }

                _lastClientStream = frame.StreamId;
                var stream = new SpdyStream(this, frame.StreamId, frame.Headers);
                _streams[frame.StreamId] = stream;
                if (frame.Fin || (frame.Flags & SpdyFrame.FlagUnidirectional) != 0)
                {
                    stream.EndInput();
                }

                await onStream(stream, cancellationToken);
                return;
            case SpdyFrameType.Data when _streams.TryGetValue(frame.StreamId, out var target):
                if (!frame.Data.IsEmpty)
                {
                    await target.ReceiveAsync(frame.Data, cancellationToken);
                }

                if (frame.Fin)
                {
                    target.EndInput();
                }

                return;
            case SpdyFrameType.Headers when frame.Fin && _streams.TryGetValue(frame.StreamId, out var finished):
                finished.EndInput();
                return;
            case SpdyFrameType.RstStream when _streams.TryRemove(frame.StreamId, out var reset):
                reset.OnReset();
                return;
            case SpdyFrameType.Ping when frame.Value % 2 == 1:
                // The client's pings have odd ids; answering means sending the same frame back (section 2.6.5).
                await SendAsync(frame, cancellationToken);
                return;
            default:
                // SETTINGS, WINDOW_UPDATE, replies to pings this side never sends, frames of unknown streams.
                return;
        }
    }
}
