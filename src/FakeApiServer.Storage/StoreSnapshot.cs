namespace FakeApiServer.Storage;

/// <summary>
/// The immutable state of the store as of one revision. Snapshots share structure (persistent trees), so
/// the store can keep one per committed batch cheaply; a snapshot never changes after it is handed out.
/// </summary>
public sealed class StoreSnapshot
{
    // One persistent tree of the objects, in ordinal key order: point lookups and range seeks both search it (a hash
    // map beside it for lookups cost as much again per object, and at a million objects made the memory per object
    // 1.17x the serialized size). Its leaves hold the keys beside the objects, so a search compares keys without
    // reaching into the objects, and a range is read from one descent. A new object or a changed one copies the path
    // to its leaf; the rest is shared with older snapshots.
    private readonly ObjectTree _objects;

    private StoreSnapshot(long revision, ObjectTree objects)
    {
        Revision = revision;
        _objects = objects;
    }

    /// <summary>The revision this snapshot reflects: every write with a revision at or below it, no later one.</summary>
    public long Revision { get; }

    /// <summary>The number of keys.</summary>
    public int Count => _objects.Count;

    /// <summary>The current version of <paramref name="key"/>, or null when the key does not exist.</summary>
    public StoredObject? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _objects.Get(key);
    }

    /// <summary>
    /// The objects whose keys start with <paramref name="prefix"/>, in ordinal key order, beginning strictly
    /// after <paramref name="startAfterKey"/> when it is given (the continue token of a paged list).
    /// Lazy, and safe to enumerate at any time because the snapshot is immutable.
    /// </summary>
    public IEnumerable<StoredObject> Range(string prefix, string? startAfterKey = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var (start, end) = Bounds(prefix, startAfterKey);
        return _objects.Enumerate(start, end);
    }

    /// <summary>The number of objects <see cref="Range"/> would return; O(log n).</summary>
    public int CountRange(string prefix, string? startAfterKey = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var (start, end) = Bounds(prefix, startAfterKey);
        return end - start;
    }

    /// <summary>A snapshot holding <paramref name="objects"/> (one per key), labelled <paramref name="revision"/>: a saved state read back, to reset a store to.</summary>
    public static StoreSnapshot Of(IEnumerable<StoredObject> objects, long revision)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return FromObjects(objects, revision);
    }

    internal static StoreSnapshot Empty(long revision) => new(revision, ObjectTree.Empty);

    /// <summary>
    /// A snapshot of <paramref name="objects"/>; when a key comes more than once the last one counts. The store's
    /// start reads every object at once, in key order: that tree is built from the leaves up in one pass, not by
    /// inserting a million objects one at a time. Input in another order is sorted first (stably, so the last of a key
    /// is the one kept).
    /// </summary>
    internal static StoreSnapshot FromObjects(IEnumerable<StoredObject> objects, long revision)
    {
        var list = objects as IReadOnlyList<StoredObject> ?? [.. objects];
        return new StoreSnapshot(revision, ObjectTree.Build(StrictlyAscending(list) ? list : LastOfEachKey(list)));
    }

    /// <summary>The state after <paramref name="events"/> (ascending) are applied, labelled <paramref name="revision"/>.</summary>
    internal StoreSnapshot Apply(IEnumerable<WatchEvent> events, long revision)
    {
        var objects = _objects;
        foreach (var change in events)
        {
            objects = change.Type == WatchEventType.Deleted ? objects.Remove(change.Object.Key) : objects.Set(change.Object);
        }

        return new StoreSnapshot(revision, objects);
    }

    /// <summary>
    /// The state before <paramref name="eventsNewestFirst"/> happened, labelled <paramref name="revision"/>.
    /// Used at start-up, where the log yields the current state and the history but no older snapshot.
    /// </summary>
    internal StoreSnapshot Revert(IEnumerable<WatchEvent> eventsNewestFirst, long revision)
    {
        var objects = _objects;
        foreach (var change in eventsNewestFirst)
        {
            objects = change.Previous is { } previous && change.Type != WatchEventType.Created
                ? objects.Set(previous)
                : objects.Remove(change.Object.Key);
        }

        return new StoreSnapshot(revision, objects);
    }

    private (int Start, int End) Bounds(string prefix, string? startAfterKey)
    {
        var start = LowerBound(prefix);
        if (startAfterKey is not null)
        {
            var rank = _objects.Rank(startAfterKey, out var found);
            start = Math.Max(start, found ? rank + 1 : rank);
        }

        var end = PrefixEnd(prefix) is { } upper ? LowerBound(upper) : _objects.Count;
        return (start, Math.Max(start, end));
    }

    private int LowerBound(string key) => _objects.Rank(key, out _);

    /// <summary>
    /// The smallest string greater than every string starting with <paramref name="prefix"/> in ordinal
    /// (UTF-16 code unit) order, or null when there is none (empty prefix, or only U+FFFF characters).
    /// </summary>
    private static string? PrefixEnd(string prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != char.MaxValue)
            {
                return string.Concat(prefix.AsSpan(0, i), [(char)(prefix[i] + 1)]);
            }
        }

        return null;
    }

    private static bool StrictlyAscending(IReadOnlyList<StoredObject> objects)
    {
        for (var i = 1; i < objects.Count; i++)
        {
            if (string.CompareOrdinal(objects[i - 1].Key, objects[i].Key) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static List<StoredObject> LastOfEachKey(IReadOnlyList<StoredObject> objects)
    {
        var sorted = objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        var kept = new List<StoredObject>(sorted.Count);
        foreach (var stored in sorted)
        {
            if (kept.Count > 0 && string.Equals(kept[^1].Key, stored.Key, StringComparison.Ordinal))
            {
                kept[^1] = stored;
            }
            else
            {
                kept.Add(stored);
            }
        }

        return kept;
    }
}
