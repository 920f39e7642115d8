namespace FakeApiServer.Security.Limits;

/// <summary>
/// The response body a handler writes to under the request timeout, as upstream's timeoutWriter: writes pass through
/// until the timeout answers in the handler's place, and are dropped after that, so a handler that does not check
/// cancellation can run on without corrupting the 504 the client already has.
/// </summary>
internal sealed class TimedOutResponseStream(Stream inner) : Stream
{
    private readonly Lock _gate = new();
    private bool _written;
    private bool _timedOut;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Claims the response for the timeout answer; false when the handler has already written part of its own.</summary>
    public bool TryTimeOut()
    {
        lock (_gate)
        {
            _timedOut = !_written;
            return _timedOut;
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Claim())
        {
            inner.Write(buffer, offset, count);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Claim())
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        if (!IsTimedOut())
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => IsTimedOut() ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private bool Claim()
    {
        lock (_gate)
        {
            _written |= !_timedOut;
            return !_timedOut;
        }
    }

    private bool IsTimedOut()
    {
        lock (_gate)
        {
            return _timedOut;
        }
    }
}
