namespace FakeApiServer.Storage;

/// <summary>
/// The newest committed events, oldest first, at most <c>capacity</c> of them; appending beyond that
/// evicts the oldest, which is what compaction means in memory. Not thread-safe: the store guards it
/// with its publish lock.
/// </summary>
internal sealed class HistoryRing
{
    private readonly WatchEvent[] _items;
    private readonly long _emptyCompactedRevision;
    private int _head;
    private int _count;

    /// <param name="capacity">The history window.</param>
    /// <param name="startRevision">The compacted revision while the ring is empty (the store's start revision).</param>
    public HistoryRing(int capacity, long startRevision)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new WatchEvent[capacity];
        _emptyCompactedRevision = startRevision;
    }

    public int Count => _count;

    /// <summary>Every revision at or below this is gone: one below the oldest kept event, or the start revision.</summary>
    public long CompactedRevision => _count == 0 ? _emptyCompactedRevision : this[0].Revision - 1;

    private WatchEvent this[int index] => _items[(_head + index) % _items.Length];

    /// <summary>Appends an event newer than every kept one; returns the event it evicted, if any.</summary>
    public WatchEvent? Append(WatchEvent change)
    {
        WatchEvent? evicted = null;
        if (_count == _items.Length)
        {
            evicted = _items[_head];
            _items[_head] = change;
            _head = (_head + 1) % _items.Length;
        }
        else
        {
            _items[(_head + _count) % _items.Length] = change;
            _count++;
        }

        return evicted;
    }

    /// <summary>
    /// Adds to <paramref name="into"/>, oldest first, the kept events with
    /// <paramref name="afterRevision"/> &lt; revision &lt;= <paramref name="upToRevision"/>
    /// whose key starts with <paramref name="keyPrefix"/>.
    /// </summary>
    public void CopyRange(long afterRevision, long upToRevision, string keyPrefix, List<WatchEvent> into)
    {
        for (var i = FirstIndexAfter(afterRevision); i < _count; i++)
        {
            var change = this[i];
            if (change.Revision > upToRevision)
            {
                break;
            }

            if (change.Object.Key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                into.Add(change);
            }
        }
    }

    // Binary search rather than index arithmetic: revisions are contiguous today, but the ring does not
    // need to rely on it.
    private int FirstIndexAfter(long revision)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (this[mid].Revision <= revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
