using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage;

/// <summary>
/// The in-memory side of a store, shared by both backends: the latest immutable snapshot, the history ring of recent
/// events, the snapshots for reads at older revisions and the watch hub. Whoever owns the revisions (the SQLite
/// writer, or the one etcd watch of an etcd-backed store) calls <see cref="Publish"/> with each committed batch in
/// revision order; readers and watchers never see a partial batch. kube-apiserver's watch cache plays this part over
/// etcd.
/// </summary>
internal sealed class WatchCache
{
    private readonly int _watcherQueueCapacity;
    private readonly WatchHub _hub;

    // Guards the ring, the snapshot history, the hub's publishing and watcher registration, so that a new
    // watcher's backlog and its first live event meet exactly.
    private readonly Lock _publishLock = new();
    private readonly HistoryRing _ring;
    private readonly SnapshotHistory _history;
    private volatile StoreSnapshot _latest;
    private long _compactedRevision;
    private long _floor;
    private bool _closed;

    /// <param name="latest">The current state.</param>
    /// <param name="events">The events above the compacted revision that led to it, ascending and contiguous.</param>
    /// <param name="historyWindow">How many events are kept for watch resume and reads at older revisions.</param>
    /// <param name="watcherQueueCapacity">Events a watcher may have queued before it is closed.</param>
    /// <param name="logger">Where overflowing watchers are logged.</param>
    public WatchCache(StoreSnapshot latest, IReadOnlyList<WatchEvent> events, int historyWindow, int watcherQueueCapacity, ILogger logger)
    {
        _watcherQueueCapacity = watcherQueueCapacity;
        _hub = new WatchHub(logger);
        _latest = latest;
        _ring = new HistoryRing(historyWindow, latest.Revision);
        foreach (var change in events.TakeLast(historyWindow))
        {
            _ring.Append(change);
        }

        _compactedRevision = _ring.CompactedRevision;

        // No older snapshot was handed in: the one at the compacted revision is rebuilt by undoing the history. At start-up
        // that is thousands of path copies in a large tree which no first request needs, so it is built on the pool
        // meanwhile; a read at an older revision or the first compaction that comes before it is done waits for it.
        var history = new List<WatchEvent>(_ring.Count);
        _ring.CopyRange(_compactedRevision, latest.Revision, string.Empty, history);
        if (history.Count == 0)
        {
            _history = new SnapshotHistory(latest.Revert([], _compactedRevision));
        }
        else
        {
            history.Reverse();
            var compacted = _compactedRevision;
            _history = new SnapshotHistory(compacted, () => latest.Revert(history, compacted));
            var prepare = _history.PrepareBase;
            ThreadPool.UnsafeQueueUserWorkItem(_ => prepare(), null);
        }

        _history.Add(latest);
    }

    /// <summary>The latest published state.</summary>
    public StoreSnapshot Latest => _latest;

    /// <summary>Revisions at or below this are gone: reads and watches from them are answered 410 Expired.</summary>
    public long CompactedRevision => Volatile.Read(ref _compactedRevision);

    /// <summary>The events kept for watch resume and reads at older revisions.</summary>
    public int HistoryCount
    {
        get
        {
            lock (_publishLock)
            {
                return _ring.Count;
            }
        }
    }

    /// <summary>The number of registered watchers.</summary>
    public int WatcherCount => _hub.Count;

    /// <summary>See <see cref="IRevisionedStore.SnapshotAt"/>.</summary>
    public StoreSnapshot? SnapshotAt(long revision)
    {
        var latest = _latest;
        if (revision == latest.Revision)
        {
            return latest;
        }

        StoreSnapshot start;
        var replay = new List<WatchEvent>();
        lock (_publishLock)
        {
            if (revision < _compactedRevision || revision > _latest.Revision)
            {
                return null;
            }

            start = _history.FindAtOrBefore(revision);
            if (start.Revision == revision)
            {
                return start;
            }

            _ring.CopyRange(start.Revision, revision, string.Empty, replay);
        }

        return start.Apply(replay, revision);
    }

    /// <summary>See <see cref="IRevisionedStore.Watch"/>.</summary>
    public WatchSubscription? Watch(string keyPrefix, long afterRevision)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        lock (_publishLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (afterRevision < _compactedRevision)
            {
                return null;
            }

            // Under the lock no batch can be published between reading the backlog and registering,
            // so the backlog ends exactly where live delivery starts.
            var backlog = new List<WatchEvent>();
            _ring.CopyRange(afterRevision, long.MaxValue, keyPrefix, backlog);
            var subscription = new WatchSubscription(keyPrefix, afterRevision, backlog, _watcherQueueCapacity, _hub.Remove);
            _hub.Add(subscription);
            return subscription;
        }
    }

    /// <summary>
    /// Makes <paramref name="snapshot"/> the latest state and hands <paramref name="events"/> (ascending, all above the
    /// previous latest revision, possibly none when only the revision moved on) to the history and the watchers.
    /// </summary>
    public void Publish(StoreSnapshot snapshot, IReadOnlyList<WatchEvent> events)
    {
        var evicted = new List<WatchEvent>();
        lock (_publishLock)
        {
            foreach (var change in events)
            {
                if (_ring.Append(change) is { } old)
                {
                    evicted.Add(old);
                }
            }

            _history.Add(snapshot);
            var compacted = Math.Max(_ring.CompactedRevision, _floor);
            _history.Compact(compacted, evicted);
            _latest = snapshot;
            Volatile.Write(ref _compactedRevision, compacted);
            _hub.Publish(events);
        }
    }

    /// <summary>
    /// Declares every revision at or below <paramref name="revision"/> gone although the ring still holds it (the
    /// etcd cluster compacted it), so reads and watches from it get 410 Expired as they would from etcd.
    /// </summary>
    public void CompactTo(long revision)
    {
        lock (_publishLock)
        {
            _floor = Math.Min(Math.Max(_floor, revision), _latest.Revision);
            Volatile.Write(ref _compactedRevision, Math.Max(_ring.CompactedRevision, _floor));
        }
    }

    /// <summary>Ends every watch and refuses new ones.</summary>
    public void Close()
    {
        lock (_publishLock)
        {
            _closed = true;
            _hub.Close();
        }
    }
}
