using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// Reads one resource for controllers (client-go's lister and indexer). Unlike client-go's cache, reads see the
/// store's latest state, never an older one: the in-process controllers were written for that (a reconcile sees the
/// pods it just created), so they need no "expectations". Parsing is shared (<see cref="ParsedObjects"/>), and so is
/// each index, built once per store revision. The returned objects are shared: never change them.
/// </summary>
internal sealed class ResourceLister
{
    private readonly IRevisionedStore _store;
    private readonly ParsedObjects _parsed;
    private readonly ConcurrentDictionary<Indexer, BuiltIndex> _indexes = new();

    public ResourceLister(ResourceDefinition definition, IRevisionedStore store, ParsedObjects parsed)
    {
        Definition = definition;
        _store = store;
        _parsed = parsed;
    }

    /// <summary>The resource (its group, plural and scope; the version is whichever the catalog had first).</summary>
    public ResourceDefinition Definition { get; }

    /// <summary>The object, or null when it does not exist. For a cluster-scoped resource the namespace is "".</summary>
    public JsonObject? Get(string ns, string name) =>
        _store.Latest.Get(Definition.Key(ns, name)) is { } stored ? _parsed.Get(stored) : null;

    /// <summary>A cluster-scoped object, or null.</summary>
    public JsonObject? Get(string name) => Get("", name);

    /// <summary>The objects of one namespace ("" for all namespaces, or for a cluster-scoped resource), in key order.</summary>
    public IReadOnlyList<JsonObject> List(string ns = "") =>
        _store.Latest.Range(Definition.NamespacePrefix(ns)).Select(_parsed.Get).ToList();

    /// <summary>The objects <paramref name="indexer"/> files under <paramref name="value"/>, in key order.</summary>
    public IReadOnlyList<JsonObject> ByIndex(Indexer indexer, string value)
    {
        var snapshot = _store.Latest;
        var index = _indexes.GetValueOrDefault(indexer);
        if (index is null || index.Revision != snapshot.Revision)
        {
            index = Build(indexer, snapshot, index);
            _indexes[indexer] = index;
        }

        return index.Entries.TryGetValue(value, out var found) ? found : [];
    }

    /// <summary>The objects of namespace <paramref name="ns"/> that <paramref name="indexer"/> files under <paramref name="value"/>.</summary>
    public IReadOnlyList<JsonObject> ByIndex(Indexer indexer, string value, string ns) =>
        ns.Length == 0 ? ByIndex(indexer, value) : ByIndex(indexer, value).Where(o => o.Namespace() == ns).ToList();

    private BuiltIndex Build(Indexer indexer, StoreSnapshot snapshot, BuiltIndex? previous)
    {
        // Objects whose version did not change keep their index values from the previous build.
        var entries = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        var values = new Dictionary<string, (long Revision, IReadOnlyList<string> Values)>(StringComparer.Ordinal);
        foreach (var stored in snapshot.Range(Definition.KeyPrefix))
        {
            var obj = _parsed.Get(stored);
            var keys = previous is not null && previous.Values.TryGetValue(stored.Key, out var known) && known.Revision == stored.Revision
                ? known.Values
                : indexer.Values(obj).ToList();
            values[stored.Key] = (stored.Revision, keys);
            foreach (var key in keys)
            {
                if (!entries.TryGetValue(key, out var list))
                {
                    entries[key] = list = [];
                }

                list.Add(obj);
            }
        }

        return new BuiltIndex(snapshot.Revision, entries, values);
    }

    private sealed record BuiltIndex(
        long Revision,
        Dictionary<string, List<JsonObject>> Entries,
        Dictionary<string, (long Revision, IReadOnlyList<string> Values)> Values);
}
