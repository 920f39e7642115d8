using System.IO.Pipelines;

namespace FakeApiServer.Testing.Recording;

/// <summary>
/// The response's pipe, copying what the server writes into a <see cref="CapturedBody"/>: the bytes are written in
/// place into the inner pipe's buffer, and copied when they are advanced over.
/// </summary>
internal sealed class TeePipeWriter(PipeWriter inner, CapturedBody captured) : PipeWriter
{
    private Memory<byte> _last;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        captured.Append(_last.Span[..bytes]);
        _last = _last[bytes..];
        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        captured.Append(source.Span);
        return inner.WriteAsync(source, cancellationToken);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
