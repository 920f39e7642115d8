using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace FakeApiServer.Storage;

/// <summary>
/// One watcher: the backlog from the history window, then live events, for keys under one prefix, in
/// strictly increasing revision order without gaps or duplicates. Live events wait in a bounded queue;
/// a watcher that lets it fill up is closed (<see cref="Overflowed"/>) instead of slowing writers, and
/// its client must re-list. Dispose it to stop watching; disposing the store ends it too.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly Channel<WatchEvent> _live;
    private readonly Action<WatchSubscription> _unregister;
    private IReadOnlyList<WatchEvent>? _backlog;
    private int _backlogRead;
    private long _lastQueuedRevision;
    private int _reading;
    private int _disposed;
    private volatile bool _overflowed;

    internal WatchSubscription(string keyPrefix, long afterRevision, IReadOnlyList<WatchEvent> backlog, int capacity, Action<WatchSubscription> unregister)
    {
        KeyPrefix = keyPrefix;
        _backlog = backlog.Count > 0 ? backlog : null;
        _lastQueuedRevision = backlog.Count > 0 ? backlog[^1].Revision : afterRevision;
        _unregister = unregister;
        _live = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(capacity)
        {
            // Wait (not drop) so that TryWrite reports a full queue, which is how overflow is detected.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>The key prefix this watch is filtered by.</summary>
    public string KeyPrefix { get; }

    /// <summary>
    /// True when the watcher fell more than <see cref="StoreOptions.WatcherQueueCapacity"/> events behind and
    /// was closed; events after the last one read were not delivered. The client must re-list.
    /// </summary>
    public bool Overflowed => _overflowed;

    /// <summary>
    /// The events, until the watch is disposed, overflows, or the store is disposed (the enumeration then
    /// ends normally; check <see cref="Overflowed"/>), or until <paramref name="cancellationToken"/> fires
    /// (it then throws <see cref="OperationCanceledException"/>, a normal end). Enumerate it once only, and
    /// do not mix it with <see cref="TryRead"/> and <see cref="WaitToReadAsync"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("A watch subscription can be read only once.");
        }

        while (await WaitToReadAsync(cancellationToken))
        {
            while (TryRead(out var change))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return change;
            }
        }
    }

    /// <summary>
    /// Takes the next event if one is ready: the backlog's first (a watch disposed before its backlog was read ends
    /// there), then the queued live ones (none once the watcher overflowed). One reader only; false when nothing is
    /// ready now.
    /// </summary>
    public bool TryRead([MaybeNullWhen(false)] out WatchEvent change)
    {
        if (_backlog is { } backlog)
        {
            // A watch disposed while it still had backlog to read ends there.
            if (Volatile.Read(ref _disposed) != 0)
            {
                change = null;
                return false;
            }

            change = backlog[_backlogRead++];
            if (_backlogRead == backlog.Count)
            {
                _backlog = null;
            }

            return true;
        }

        // After an overflow the queued events are still gap-free, but the client must re-list anyway,
        // so stop at once rather than stream thousands of events it will discard.
        if (_overflowed)
        {
            change = null;
            return false;
        }

        return _live.Reader.TryRead(out change);
    }

    /// <summary>
    /// Waits until <see cref="TryRead"/> has an event (true), or the watch ended: disposed, overflowed or the store
    /// closed (false). Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires;
    /// the queued events stay, so waiting again goes on where it stopped.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (_backlog is not null)
        {
            return new ValueTask<bool>(Volatile.Read(ref _disposed) == 0);
        }

        return _overflowed ? new ValueTask<bool>(false) : _live.Reader.WaitToReadAsync(cancellationToken);
    }

    /// <summary>Stops the watch: the enumeration ends and no further events are queued.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _live.Writer.TryComplete();
        _unregister(this);
    }

    /// <summary>
    /// Queues a live event. Called by the hub under the store's publish lock, so calls never overlap.
    /// Returns false when the watcher is (now) closed and should be dropped from the hub.
    /// </summary>
    internal bool TryDeliver(WatchEvent change)
    {
        if (change.Revision <= _lastQueuedRevision || !change.Object.Key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return true;
        }

        if (!_live.Writer.TryWrite(change))
        {
            // Full, or completed by Dispose: either way this watcher is done.
            if (Volatile.Read(ref _disposed) == 0)
            {
                _overflowed = true;
                _live.Writer.TryComplete();
            }

            return false;
        }

        _lastQueuedRevision = change.Revision;
        return true;
    }

    /// <summary>Ends the watch because the store is shutting down; not an overflow.</summary>
    internal void Close()
    {
        Volatile.Write(ref _disposed, 1);
        _live.Writer.TryComplete();
    }
}
