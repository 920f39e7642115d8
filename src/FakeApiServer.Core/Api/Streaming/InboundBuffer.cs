using System.IO.Pipelines;

namespace FakeApiServer.Api.Streaming;

/// <summary>
/// What the peer sent on one stream or channel, waiting to be read: the connection's reader appends, the consumer reads
/// through <see cref="Reader"/>, which returns 0 once the peer closed its side (or the connection ended). A consumer that
/// does not read holds the connection's reader back once a megabyte is waiting, as upstream's pipes block their reader.
/// </summary>
internal sealed class InboundBuffer
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Lock _gate = new();
    private bool _ended;

    public InboundBuffer() => Reader = _pipe.Reader.AsStream();

    public Stream Reader { get; }

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
        }

        try
        {
            await _pipe.Writer.WriteAsync(data, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Ended meanwhile: what arrives after the end is dropped.
        }
    }

    /// <summary>The consumer is done: what still arrives is dropped instead of holding the connection's reader back.</summary>
    public void Discard() => _pipe.Reader.Complete();

    /// <summary>The peer closed its side or the connection ended; called by the connection's reader only.</summary>
    public void End()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
        }

        _pipe.Writer.Complete();
    }
}
