using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// The response body a handler writes to under the request timeout, as upstream's timeoutWriter: writes pass through
/// to the server's own body until the timeout answers in the handler's place, and are dropped after that, so a handler
/// that does not check cancellation can run on without corrupting the 504 the client already has. The first write
/// claims the response for the handler (the timeout then lets it finish its answer); a timeout that comes first claims
/// it for the 504. It is the body feature and its <see cref="PipeWriter"/> at once, writing straight into the server's
/// pipe (no buffer of its own, no copy); the <see cref="Stream"/> form is made only when asked for.
/// </summary>
internal sealed class TimedOutResponseBody(IHttpResponseBodyFeature inner) : PipeWriter, IHttpResponseBodyFeature
{
    private const int Open = 0;
    private const int Written = 1;
    private const int TimedOut = 2;

    private int _state;
    private TimedOutResponseStream? _stream;

    public Stream Stream => _stream ??= new TimedOutResponseStream(this, inner.Stream);

    public PipeWriter Writer => this;

    /// <summary>Claims the response for the timeout answer; false when the handler has already written part of its own.</summary>
    public bool TryTimeOut() => Interlocked.CompareExchange(ref _state, TimedOut, Open) != Written;

    /// <summary>Claims the response for the handler's writes; false when the timeout has answered instead.</summary>
    public bool Claim() => Volatile.Read(ref _state) == Written || Interlocked.CompareExchange(ref _state, Written, Open) != TimedOut;

    /// <summary>Whether the timeout has answered (so the handler's writes are dropped).</summary>
    public bool IsTimedOut => Volatile.Read(ref _state) == TimedOut;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => IsTimedOut ? Task.CompletedTask : inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        Claim() ? inner.SendFileAsync(path, offset, count, cancellationToken) : Task.CompletedTask;

    /// <summary>Ends the handler's answer; after a timeout the answer is the 504's and stays as the timeout left it.</summary>
    public Task CompleteAsync() => IsTimedOut ? Task.CompletedTask : inner.CompleteAsync();

    public override Memory<byte> GetMemory(int sizeHint = 0) => Claim() ? inner.Writer.GetMemory(sizeHint) : new byte[Math.Max(sizeHint, 4096)];

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        // Memory handed out before the timeout came from the server's pipe (and a claimed response is never timed out).
        if (!IsTimedOut)
        {
            inner.Writer.Advance(bytes);
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        IsTimedOut ? ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: false)) : inner.Writer.FlushAsync(cancellationToken);

    public override void CancelPendingFlush()
    {
        if (!IsTimedOut)
        {
            inner.Writer.CancelPendingFlush();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (!IsTimedOut)
        {
            inner.Writer.Complete(exception);
        }
    }

    public override bool CanGetUnflushedBytes => inner.Writer.CanGetUnflushedBytes;

    public override long UnflushedBytes => IsTimedOut ? 0 : inner.Writer.UnflushedBytes;
}
