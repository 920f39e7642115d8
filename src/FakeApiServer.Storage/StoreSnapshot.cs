using System.Collections.Immutable;

namespace FakeApiServer.Storage;

/// <summary>
/// The immutable state of the store as of one revision. Snapshots share structure (persistent trees), so
/// the store can keep one per committed batch cheaply; a snapshot never changes after it is handed out.
/// </summary>
public sealed class StoreSnapshot
{
    private static readonly ImmutableDictionary<string, StoredObject> EmptyObjects =
        ImmutableDictionary.Create<string, StoredObject>(StringComparer.Ordinal);

    private static readonly ImmutableSortedSet<string> EmptyKeys = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    // Point lookups go to the hash map; ranges seek in the ordinal-sorted key set. An update that does not
    // add or remove a key leaves the key set untouched, so the two structures share with older snapshots.
    private readonly ImmutableDictionary<string, StoredObject> _objects;
    private readonly ImmutableSortedSet<string> _keys;

    private StoreSnapshot(long revision, ImmutableDictionary<string, StoredObject> objects, ImmutableSortedSet<string> keys)
    {
        Revision = revision;
        _objects = objects;
        _keys = keys;
    }

    /// <summary>The revision this snapshot reflects: every write with a revision at or below it, no later one.</summary>
    public long Revision { get; }

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Count;

    /// <summary>The current version of <paramref name="key"/>, or null when the key does not exist.</summary>
    public StoredObject? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _objects.GetValueOrDefault(key);
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

    internal static StoreSnapshot Empty(long revision) => new(revision, EmptyObjects, EmptyKeys);

    internal static StoreSnapshot FromObjects(IEnumerable<StoredObject> objects, long revision)
    {
        var builder = new Builder(Empty(revision));
        foreach (var stored in objects)
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
            if (change.Type == WatchEventType.Deleted)
            {
                builder.Remove(change.Object.Key);
            }
            else
            {
                builder.Set(change.Object);
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
            var index = _keys.IndexOf(startAfterKey);
            start = Math.Max(start, index >= 0 ? index + 1 : ~index);
        }

        var end = PrefixEnd(prefix) is { } upper ? LowerBound(upper) : _keys.Count;
        return (start, Math.Max(start, end));
    }

    private int LowerBound(string key)
    {
        var index = _keys.IndexOf(key);
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
            yield return _objects[_keys[i]];
        }
    }

    /// <summary>Batches changes into one new snapshot; the key set is only rebuilt when keys come or go.</summary>
    private sealed class Builder(StoreSnapshot source)
    {
        private readonly ImmutableDictionary<string, StoredObject>.Builder _objects = source._objects.ToBuilder();
        private ImmutableSortedSet<string>.Builder? _keys;

        public void Set(StoredObject stored)
        {
            if (!_objects.ContainsKey(stored.Key))
            {
                Keys.Add(stored.Key);
            }

            _objects[stored.Key] = stored;
        }

        public void Remove(string key)
        {
            if (_objects.Remove(key))
            {
                Keys.Remove(key);
            }
        }

        public StoreSnapshot ToSnapshot(long revision) =>
            new(revision, _objects.ToImmutable(), _keys?.ToImmutable() ?? source._keys);

        private ImmutableSortedSet<string>.Builder Keys => _keys ??= source._keys.ToBuilder();
    }
}
