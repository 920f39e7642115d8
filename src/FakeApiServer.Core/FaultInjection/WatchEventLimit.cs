using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.FaultInjection;

/// <summary>
/// The response body of a watch a fault closes after some events: counts the events (one JSON line each) as they are
/// written, and once the last allowed one is flushed cancels the watch's token, so the watch ends as if the client left;
/// what it writes after that is dropped.
/// </summary>
internal sealed class WatchEventLimit(IHttpResponseBodyFeature prior, int events, CancellationTokenSource cut) : IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    public Stream Stream => prior.Stream;

    public PipeWriter Writer => _writer ??= new CountingWriter(prior.Writer, this);

    private int Sent { get; set; }

    private int Events => events;

    private CancellationTokenSource Cut => cut;

    public void DisableBuffering() => prior.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => prior.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        prior.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => prior.CompleteAsync();

    private sealed class CountingWriter(PipeWriter inner, WatchEventLimit limit) : PipeWriter
    {
        private Memory<byte> _last;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (limit.Sent >= limit.Events)
            {
                // Past the limit (a backlog the watch drains without looking at its token): not advancing drops the bytes.
                _last = default;
                return;
            }

            limit.Sent += _last.Span[..bytes].Count((byte)'\n');
            _last = _last[bytes..];
            inner.Advance(bytes);
        }

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (limit.Cut.IsCancellationRequested)
            {
                throw new OperationCanceledException(limit.Cut.Token);
            }

            var result = await inner.FlushAsync(CancellationToken.None);
            if (limit.Sent >= limit.Events)
            {
                await limit.Cut.CancelAsync();
            }

            return result;
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
