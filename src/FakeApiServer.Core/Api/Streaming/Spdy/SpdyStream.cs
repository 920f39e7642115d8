namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// One stream a client opened on a <see cref="SpdyConnection"/> (SYN_STREAM): its headers, what the client sends on it
/// (<see cref="Input"/>, which ends at the client's FIN or RST_STREAM), and this side's reply, data, FIN and reset.
/// </summary>
internal sealed class SpdyStream
{
    /// <summary>Data frames carry at most this much: spdystream reads whole frames, so big writes are split.</summary>
    private const int MaxDataFrame = 32 * 1024;

    private readonly SpdyConnection _connection;
    private readonly InboundBuffer _input = new();
    private readonly Lock _gate = new();
    private bool _finished;
    private bool _reset;

    public SpdyStream(SpdyConnection connection, uint id, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
    }

    public uint Id { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>What the client sends on the stream; reads return 0 once it sent FIN or reset the stream.</summary>
    public Stream Input => _input.Reader;

    /// <summary>The stream as a <see cref="Stream"/>: reads are <see cref="Input"/>, writes are data frames.</summary>
    public Stream AsStream() => new ChannelStream(Input, WriteAsync);

    /// <summary>A write-only view: writes are data frames.</summary>
    public Stream AsWriteStream() => new ChannelStream(null, WriteAsync);

    /// <summary>The first value of header <paramref name="name"/> (lower-case), or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key == name).Value;

    /// <summary>Accepts the stream (SYN_REPLY with no headers), as spdystream's server does once its handler took it.</summary>
    public Task ReplyAsync(CancellationToken cancellationToken) =>
        _connection.SendAsync(new SpdyFrame(SpdyFrameType.SynReply, 0, Id), cancellationToken);

    /// <summary>Sends <paramref name="data"/>; throws <see cref="IOException"/> once the stream was finished or reset.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            ThrowIfClosed();
            var chunk = data[..Math.Min(data.Length, MaxDataFrame)];
            await _connection.SendAsync(new SpdyFrame(SpdyFrameType.Data, 0, Id) { Data = chunk }, cancellationToken);
            data = data[chunk.Length..];
        }
    }

    /// <summary>Half-closes this side (an empty data frame with FIN); later calls do nothing.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_finished || _reset)
            {
                return;
            }

            _finished = true;
        }

        await _connection.SendAsync(new SpdyFrame(SpdyFrameType.Data, SpdyFrame.FlagFin, Id), cancellationToken);
    }

    /// <summary>Refuses or abandons the stream (RST_STREAM with <paramref name="status"/>).</summary>
    public async Task ResetAsync(uint status, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_reset)
            {
                return;
            }

            _reset = true;
        }

        await _connection.SendAsync(new SpdyFrame(SpdyFrameType.RstStream, 0, Id) { Value = status }, cancellationToken);
    }

    /// <summary>Data from the client (called by the connection's reader).</summary>
    internal ValueTask ReceiveAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _input.AppendAsync(data, cancellationToken);

    /// <summary>The client's FIN, or the end of the connection (called by the connection's reader).</summary>
    internal void EndInput() => _input.End();

    /// <summary>The client reset the stream: its input ends and this side may send no more.</summary>
    internal void OnReset()
    {
        lock (_gate)
        {
            _reset = true;
        }

        _input.End();
    }

    /// <summary>The consumer no longer reads the input.</summary>
    public void DiscardInput() => _input.Discard();

    private void ThrowIfClosed()
    {
        lock (_gate)
        {
            if (_reset || _finished)
            {
                throw new IOException(_reset ? "the SPDY stream was reset" : "the SPDY stream is closed for writing");
            }
        }
    }
}
