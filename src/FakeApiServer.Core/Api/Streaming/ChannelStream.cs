namespace FakeApiServer.Api.Streaming;

/// <summary>
/// One logical stream of a multiplexed connection (a SPDY stream, a WebSocket channel) seen as a <see cref="Stream"/>:
/// reads come from what the peer sent on it (0 once it closed its side), writes go out as frames or messages on it.
/// This is what the simulated containers get as stdin, stdout, stderr and forwarded connections.
/// </summary>
internal sealed class ChannelStream : Stream
{
    private readonly Stream? _input;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? _write;

    public ChannelStream(Stream? input, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? write)
    {
        _input = input;
        _write = write;
    }

    public override bool CanRead => _input is not null;

    public override bool CanSeek => false;

    public override bool CanWrite => _write is not null;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input is { } input ? input.ReadAsync(buffer, cancellationToken) : throw new NotSupportedException("the channel is write-only");

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _write is { } write ? (buffer.IsEmpty ? ValueTask.CompletedTask : write(buffer, cancellationToken)) : throw new NotSupportedException("the channel is read-only");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
