using System.Collections.Immutable;

namespace FakeApiServer.Storage;

/// <summary>
/// The immutable state of the store as of one revision. Snapshots share structure (persistent trees), so
/// the store can keep one per committed batch cheaply; a snapshot never changes after it is handed out.
/// </summary>
public sealed class StoreSnapshot
{
    private static readonly ImmutableSortedSet<Entry> EmptyObjects = ImmutableSortedSet.Create<Entry>(ByKey.Instance);

    // One persistent tree of the objects, in ordinal key order: point lookups and range seeks both search it, so an
    // object costs one tree node (a hash map beside it for lookups cost as much again per object, and at a million
    // objects made the memory per object 1.17x the serialized size). Each node holds the key beside the object, so a
    // search compares keys without reaching into the objects. A new object or a changed one replaces its node and
    // copies the path to it; the rest is shared with older snapshots.
    private readonly ImmutableSortedSet<Entry> _objects;

    private StoreSnapshot(long revision, ImmutableSortedSet<Entry> objects)
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
        return _objects.TryGetValue(new Entry(key, null), out var entry) ? entry.Object : null;
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
        return Enumerate(start, end);
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

    internal static StoreSnapshot Empty(long revision) => new(revision, EmptyObjects);

    /// <summary>
    /// A snapshot of <paramref name="objects"/>; when a key comes more than once the last one counts. The store's
    /// start reads every object at once, in key order: that tree is built from the leaves up in one pass, not by
    /// inserting a million objects one at a time.
    /// </summary>
    internal static StoreSnapshot FromObjects(IEnumerable<StoredObject> objects, long revision)
    {
        var list = objects as IReadOnlyList<StoredObject> ?? [.. objects];
        if (StrictlyAscending(list))
        {
            return new StoreSnapshot(revision, ImmutableSortedSet.CreateRange(ByKey.Instance, list.Select(o => new Entry(o.Key, o))));
        }

        var builder = new Builder(Empty(revision));
        foreach (var stored in list)
        {
            builder.Set(stored);
        }

        return builder.ToSnapshot(revision);
    }

    /// <summary>The state after <paramref name="events"/> (ascending) are applied, labelled <paramref name="revision"/>.</summary>
    internal StoreSnapshot Apply(IEnumerable<WatchEvent> events, long revision)
    {
        var builder = new Builder(this);
        foreach (var change in events)
        {
            switch (change.Type)
            {
                case WatchEventType.Deleted:
                    builder.Remove(change.Object.Key);
                    break;
                case WatchEventType.Created:
                    builder.Add(change.Object);
                    break;
                default:
                    builder.Set(change.Object);
                    break;
            }
        }

        return builder.ToSnapshot(revision);
    }

    /// <summary>
    /// The state before <paramref name="eventsNewestFirst"/> happened, labelled <paramref name="revision"/>.
    /// Used at start-up, where the log yields the current state and the history but no older snapshot.
    /// </summary>
    internal StoreSnapshot Revert(IEnumerable<WatchEvent> eventsNewestFirst, long revision)
    {
        var builder = new Builder(this);
        foreach (var change in eventsNewestFirst)
        {
            if (change.Previous is { } previous && change.Type != WatchEventType.Created)
            {
                builder.Set(previous);
            }
            else
            {
                builder.Remove(change.Object.Key);
            }
        }

        return builder.ToSnapshot(revision);
    }

    private (int Start, int End) Bounds(string prefix, string? startAfterKey)
    {
        var start = LowerBound(prefix);
        if (startAfterKey is not null)
        {
            var index = _objects.IndexOf(new Entry(startAfterKey, null));
            start = Math.Max(start, index >= 0 ? index + 1 : ~index);
        }

        var end = PrefixEnd(prefix) is { } upper ? LowerBound(upper) : _objects.Count;
        return (start, Math.Max(start, end));
    }

    private int LowerBound(string key)
    {
        var index = _objects.IndexOf(new Entry(key, null));
        return index >= 0 ? index : ~index;
    }

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

    private IEnumerable<StoredObject> Enumerate(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            yield return _objects[i].Object!;
        }
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

    /// <summary>Batches changes into one new snapshot.</summary>
    private sealed class Builder(StoreSnapshot source)
    {
        private readonly ImmutableSortedSet<Entry>.Builder _objects = source._objects.ToBuilder();

        public void Set(StoredObject stored)
        {
            // The set keeps an equal element it already holds, so a changed object replaces the old one by removal.
            var entry = new Entry(stored.Key, stored);
            _objects.Remove(entry);
            _objects.Add(entry);
        }

        /// <summary>A key that is new here: one search that inserts, instead of a search that removes nothing first.</summary>
        public void Add(StoredObject stored)
        {
            if (!_objects.Add(new Entry(stored.Key, stored)))
            {
                Set(stored);
            }
        }

        public void Remove(string key) => _objects.Remove(new Entry(key, null));

        public StoreSnapshot ToSnapshot(long revision) => new(revision, _objects.ToImmutable());
    }

    /// <summary>An object and its key, the key at hand for searches; a search for a key uses an entry without an object.</summary>
    private readonly record struct Entry(string Key, StoredObject? Object);

    /// <summary>Orders entries by key, ordinally (UTF-16 code units), as ranges and continue tokens expect.</summary>
    private sealed class ByKey : IComparer<Entry>
    {
        public static readonly ByKey Instance = new();

        public int Compare(Entry x, Entry y) => string.CompareOrdinal(x.Key, y.Key);
    }
}
