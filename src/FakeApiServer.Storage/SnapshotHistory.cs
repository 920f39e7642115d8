namespace FakeApiServer.Storage;

/// <summary>
/// Snapshots for reads at older revisions: one base snapshot at the compacted revision plus one snapshot
/// per committed batch above it. A read at revision r starts from the newest snapshot at or below r and
/// replays at most one batch of events from the <see cref="HistoryRing"/>. Not thread-safe: the store
/// guards it with its publish lock.
/// </summary>
internal sealed class SnapshotHistory(StoreSnapshot baseSnapshot)
{
    // Trimming the front of the list lazily keeps removal amortized O(1) per batch.
    private const int TrimThreshold = 1024;

    private readonly List<StoreSnapshot> _snapshots = [];
    private StoreSnapshot _base = baseSnapshot;
    private int _head;

    /// <summary>Records the snapshot of a committed batch; revisions must ascend.</summary>
    public void Add(StoreSnapshot snapshot) => _snapshots.Add(snapshot);

    /// <summary>
    /// Moves the base to <paramref name="compactedRevision"/>. <paramref name="evicted"/> are the events the
    /// ring dropped since the last call (ascending); they carry the base forward where no batch snapshot
    /// lands exactly on the new compacted revision.
    /// </summary>
    public void Compact(long compactedRevision, IReadOnlyList<WatchEvent> evicted)
    {
        if (compactedRevision <= _base.Revision)
        {
            return;
        }

        var candidate = _base;
        while (_head < _snapshots.Count && _snapshots[_head].Revision <= compactedRevision)
        {
            candidate = _snapshots[_head++];
        }

        if (candidate.Revision < compactedRevision)
        {
            var from = candidate.Revision;
            candidate = candidate.Apply(evicted.Where(e => e.Revision > from && e.Revision <= compactedRevision), compactedRevision);
        }

        _base = candidate;
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

        return low > _head ? _snapshots[low - 1] : _base;
    }
}
