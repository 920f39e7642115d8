namespace FakeApiServer.Storage;

/// <summary>
/// Snapshots for reads at older revisions: one base snapshot at the compacted revision plus one snapshot
/// per committed batch above it. A read at revision r starts from the newest snapshot at or below r and
/// replays at most one batch of events from the <see cref="HistoryRing"/>. Not thread-safe: the store
/// guards it with its publish lock.
/// </summary>
internal sealed class SnapshotHistory
{
    // Trimming the front of the list lazily keeps removal amortized O(1) per batch.
    private const int TrimThreshold = 1024;

    private readonly List<StoreSnapshot> _snapshots = [];
    private Lazy<StoreSnapshot> _base;
    private long _baseRevision;
    private int _head;

    /// <summary>A history whose base is <paramref name="baseSnapshot"/>.</summary>
    public SnapshotHistory(StoreSnapshot baseSnapshot)
    {
        _base = new Lazy<StoreSnapshot>(baseSnapshot);
        _baseRevision = baseSnapshot.Revision;
    }

    /// <summary>
    /// A history whose base, at <paramref name="baseRevision"/>, is built by <paramref name="buildBase"/> when first
    /// needed (a read below every kept snapshot, or the first compaction past the base), or earlier by <see cref="PrepareBase"/>.
    /// </summary>
    public SnapshotHistory(long baseRevision, Func<StoreSnapshot> buildBase)
    {
        _base = new Lazy<StoreSnapshot>(buildBase, LazyThreadSafetyMode.ExecutionAndPublication);
        _baseRevision = baseRevision;
    }

    /// <summary>
    /// Builds the base now if it is still to be built; safe on any thread (it touches only the base's own lazy value,
    /// which a reader under the store's lock then finds built, or waits for). A failure is kept by that value and
    /// thrown where the base is needed, not here.
    /// </summary>
    public Action PrepareBase
    {
        get
        {
            var pending = _base;
            return () =>
            {
                try
                {
                    _ = pending.Value;
                }
#pragma warning disable CA1031 // The lazy value keeps the exception and rethrows it to whoever needs the base.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            };
        }
    }

    /// <summary>Records the snapshot of a committed batch; revisions must ascend.</summary>
    public void Add(StoreSnapshot snapshot) => _snapshots.Add(snapshot);

    /// <summary>
    /// Moves the base to <paramref name="compactedRevision"/>. <paramref name="evicted"/> are the events the
    /// ring dropped since the last call (ascending); they carry the base forward where no batch snapshot
    /// lands exactly on the new compacted revision.
    /// </summary>
    public void Compact(long compactedRevision, IReadOnlyList<WatchEvent> evicted)
    {
        if (compactedRevision <= _baseRevision)
        {
            return;
        }

        StoreSnapshot? kept = null;
        while (_head < _snapshots.Count && _snapshots[_head].Revision <= compactedRevision)
        {
            kept = _snapshots[_head++];
        }

        var candidate = kept ?? _base.Value;

        if (candidate.Revision < compactedRevision)
        {
            var from = candidate.Revision;
            candidate = candidate.Apply(evicted.Where(e => e.Revision > from && e.Revision <= compactedRevision), compactedRevision);
        }

        _base = new Lazy<StoreSnapshot>(candidate);
        _baseRevision = candidate.Revision;
        if (_head >= TrimThreshold && _head * 2 >= _snapshots.Count)
        {
            _snapshots.RemoveRange(0, _head);
            _head = 0;
        }
    }

    /// <summary>The newest kept snapshot at or below <paramref name="revision"/> (at least the base).</summary>
    public StoreSnapshot FindAtOrBefore(long revision)
    {
        int low = _head, high = _snapshots.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (_snapshots[mid].Revision <= revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low > _head ? _snapshots[low - 1] : _base.Value;
    }
}
