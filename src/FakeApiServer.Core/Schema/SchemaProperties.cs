using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace FakeApiServer.Schema;

/// <summary>
/// The ordered, read-only property map of a <see cref="StructuralSchema"/>. <see cref="Deferred"/> builds the
/// properties on first use, which is how a schema graph can be recursive (a type whose properties refer back to
/// the type) while every node stays immutable, and why building a kind's schema costs nothing until it is read.
/// </summary>
internal sealed class SchemaProperties : IReadOnlyDictionary<string, StructuralSchema>
{
    public static readonly SchemaProperties Empty = new(new Lazy<Entries>(new Entries([])));

    private readonly Lazy<Entries> _entries;

    private SchemaProperties(Lazy<Entries> entries) => _entries = entries;

    /// <summary>Properties in the given order; a repeated name is an error.</summary>
    public static SchemaProperties Of(IEnumerable<(string Name, StructuralSchema Schema)> properties) =>
        new(new Lazy<Entries>(new Entries(properties)));

    /// <summary>Properties produced by <paramref name="build"/> on first access (thread-safe, once).</summary>
    public static SchemaProperties Deferred(Func<IEnumerable<(string Name, StructuralSchema Schema)>> build) =>
        new(new Lazy<Entries>(() => new Entries(build()), LazyThreadSafetyMode.ExecutionAndPublication));

    public StructuralSchema this[string key] => _entries.Value.ByName[key];

    public IEnumerable<string> Keys => _entries.Value.Ordered.Select(e => e.Key);

    public IEnumerable<StructuralSchema> Values => _entries.Value.Ordered.Select(e => e.Value);

    public int Count => _entries.Value.Ordered.Length;

    public bool ContainsKey(string key) => _entries.Value.ByName.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StructuralSchema value) =>
        _entries.Value.ByName.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, StructuralSchema>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, StructuralSchema>>)_entries.Value.Ordered).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Entries
    {
        public Entries(IEnumerable<(string Name, StructuralSchema Schema)> properties)
        {
            Ordered = [.. properties.Select(p => KeyValuePair.Create(p.Name, p.Schema))];
            ByName = Ordered.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        public KeyValuePair<string, StructuralSchema>[] Ordered { get; }

        public Dictionary<string, StructuralSchema> ByName { get; }
    }
}
