using System.Globalization;
using System.Text;
using System.Text.Json;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Hosting;

/// <summary>
/// The objects a fresh cluster starts with (the bootstrap and built-in objects, and the default ServiceAccounts the
/// serviceaccount controller gives the system namespaces) as one cluster stored them after creating them the normal way,
/// through the registry with admission, defaulting and validation. Written into another fresh store, each object gets a
/// new uid, that cluster's time and the store's next revision, and is otherwise byte for byte what the normal path
/// stores there: the uids, the times and metadata.resourceVersion are the only values that differ between two clusters
/// started with the same options. Immutable once captured.
/// </summary>
internal sealed class StartupObjectsTemplate
{
    private readonly IReadOnlyList<TemplateObject> _objects;
    private readonly int _uids;

    private StartupObjectsTemplate(IReadOnlyList<TemplateObject> objects, int uids)
    {
        _objects = objects;
        _uids = uids;
    }

    /// <summary>The number of objects written.</summary>
    public int Count => _objects.Count;

    /// <summary>
    /// The template of <paramref name="objects"/> (a fresh store's objects, as stored), in their creation order. Their
    /// times are the strings in metadata.creationTimestamp's format that fall between <paramref name="from"/> (whole
    /// seconds) and <paramref name="to"/>: the time of the start that stored them.
    /// </summary>
    public static StartupObjectsTemplate Capture(IEnumerable<StoredObject> objects, DateTimeOffset from, DateTimeOffset to)
    {
        var ordered = objects.OrderBy(o => o.CreateRevision).ThenBy(o => o.Key, StringComparer.Ordinal).ToList();
        var uids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stored in ordered)
        {
            using var document = JsonDocument.Parse(stored.Value);
            if (document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("uid", out var uid) && uid.GetString() is { } value)
            {
                uids.TryAdd(value, uids.Count);
            }
        }

        var window = new TimeWindow(from.UtcDateTime.AddTicks(-(from.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), to.UtcDateTime);
        return new StartupObjectsTemplate([.. ordered.Select(o => TemplateObject.Of(o, uids, window))], uids.Count);
    }

    /// <summary>
    /// Writes the objects into <paramref name="store"/> (new, empty) as creates, in their creation order, with new uids
    /// and <paramref name="time"/>'s present time; completes when all are committed.
    /// </summary>
    public async Task WriteAsync(IRevisionedStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = Encoding.UTF8.GetBytes(ObjectMeta.FormatTime(time.GetUtcNow()));
        var generator = new UidGenerator();
        var uids = new byte[_uids][];
        for (var i = 0; i < uids.Length; i++)
        {
            uids[i] = Encoding.UTF8.GetBytes(generator.NewUid());
        }

        // Queued together, so the store commits them in a few batches.
        var writes = new List<Task<WriteResult>>(_objects.Count);
        foreach (var obj in _objects)
        {
            writes.Add(store.WriteAsync(new WriteRequest(obj.Key, WriteKind.Create, 0, revision => obj.Compose(revision, uids, now)), cancellationToken).AsTask());
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var result = await writes[i];
            if (result.Status != WriteStatus.Ok)
            {
                throw new InvalidOperationException($"The start-up object {_objects[i].Key} could not be created in a fresh store: {result.Status}.");
            }
        }
    }

    private enum HoleKind
    {
        ResourceVersion,
        Uid,
        Time,
    }

    /// <summary>A string value's bytes (between its quotes) that differ per cluster.</summary>
    private readonly record struct Hole(int Start, int Length, HoleKind Kind, int Uid);

    /// <summary>The span of times (UTC) a captured start wrote.</summary>
    private readonly record struct TimeWindow(DateTime From, DateTime To)
    {
        /// <summary>Whether <paramref name="value"/> is a time in metadata.creationTimestamp's format within the window.</summary>
        public bool Contains(string value) =>
            DateTime.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            && time >= From && time <= To;
    }

    /// <summary>One stored object and where its per-cluster values are.</summary>
    private sealed class TemplateObject(string key, byte[] value, Hole[] holes)
    {
        public string Key { get; } = key;

        public static TemplateObject Of(StoredObject stored, Dictionary<string, int> uids, TimeWindow window)
        {
            var holes = new List<Hole>();
            var reader = new Utf8JsonReader(stored.Value);
            string? property = null;
            string? top = null;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString();
                    top = reader.CurrentDepth == 1 ? property : top;
                }
                else if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    var text = reader.GetString()!;
                    var start = (int)reader.TokenStartIndex + 1;
                    var length = reader.ValueSpan.Length;
                    if (reader.CurrentDepth == 2 && top == "metadata" && property == "resourceVersion")
                    {
                        holes.Add(new Hole(start, length, HoleKind.ResourceVersion, 0));
                    }
                    else if (uids.TryGetValue(text, out var uid))
                    {
                        holes.Add(new Hole(start, length, HoleKind.Uid, uid));
                    }
                    else if (window.Contains(text))
                    {
                        holes.Add(new Hole(start, length, HoleKind.Time, 0));
                    }
                }
            }

            return new TemplateObject(stored.Key, stored.Value, [.. holes]);
        }

        /// <summary>The object's bytes with this cluster's revision, uids and time.</summary>
        public byte[] Compose(long revision, byte[][] uids, byte[] now)
        {
            Span<byte> digits = stackalloc byte[20];
            revision.TryFormat(digits, out var digitCount, default, CultureInfo.InvariantCulture);
            var length = value.Length;
            foreach (var hole in holes)
            {
                length += hole.Kind switch
                {
                    HoleKind.ResourceVersion => digitCount,
                    HoleKind.Uid => uids[hole.Uid].Length,
                    _ => now.Length,
                } - hole.Length;
            }

            var bytes = new byte[length];
            var source = 0;
            var target = 0;
            foreach (var hole in holes)
            {
                value.AsSpan(source, hole.Start - source).CopyTo(bytes.AsSpan(target));
                target += hole.Start - source;
                ReadOnlySpan<byte> replacement = hole.Kind switch
                {
                    HoleKind.ResourceVersion => digits[..digitCount],
                    HoleKind.Uid => uids[hole.Uid],
                    _ => now,
                };
                replacement.CopyTo(bytes.AsSpan(target));
                target += replacement.Length;
                source = hole.Start + hole.Length;
            }

            value.AsSpan(source).CopyTo(bytes.AsSpan(target));
            return bytes;
        }
    }
}
