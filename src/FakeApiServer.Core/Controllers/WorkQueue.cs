using System.Threading.Channels;

namespace FakeApiServer.Controllers;

/// <summary>
/// A controller's work queue, as client-go's: keys are de-duplicated while waiting, one worker processes them, and a
/// key can be queued again after a delay (retry) through the TimeProvider.
/// </summary>
/// <typeparam name="TKey">The key type (e.g. a namespace/name pair).</typeparam>
internal sealed class WorkQueue<TKey>
    where TKey : notnull
{
    private readonly Channel<TKey> _channel = Channel.CreateUnbounded<TKey>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<TKey> _waiting = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public WorkQueue(TimeProvider time) => _time = time;

    /// <summary>Queues a key unless it is already waiting.</summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (!_waiting.Add(key))
            {
                return;
            }
        }

        _channel.Writer.TryWrite(key);
    }

    /// <summary>Queues a key after <paramref name="delay"/>.</summary>
    public void AddAfter(TKey key, TimeSpan delay, CancellationToken cancellationToken) =>
        _ = AddLaterAsync(key, delay, cancellationToken);

    /// <summary>Calls <paramref name="reconcile"/> for each key until cancelled; a key is taken off "waiting" before its reconcile runs.</summary>
    public async Task RunAsync(Func<TKey, CancellationToken, Task> reconcile, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var key in _channel.Reader.ReadAllAsync(cancellationToken))
            {
                lock (_lock)
                {
                    _waiting.Remove(key);
                }

                await reconcile(key, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task AddLaterAsync(TKey key, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            Add(key);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
