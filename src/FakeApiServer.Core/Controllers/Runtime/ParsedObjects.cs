using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// The parsed form of one resource's stored objects, one per key and revision, shared by every controller (the
/// object cache of a client-go informer). Objects are fully built before they are handed out, so any number of
/// threads may read them; nobody may change them (deep-clone first, as with client-go's cache).
/// </summary>
internal sealed class ParsedObjects
{
    private readonly ConcurrentDictionary<string, (long Revision, JsonObject Object)> _objects = new(StringComparer.Ordinal);

    /// <summary>The parsed form of <paramref name="stored"/>, parsed at most once per revision.</summary>
    public JsonObject Get(StoredObject stored)
    {
        if (_objects.TryGetValue(stored.Key, out var cached) && cached.Revision == stored.Revision)
        {
            return cached.Object;
        }

        var parsed = Parse(stored);
        _objects.AddOrUpdate(
            stored.Key,
            static (_, added) => added,
            static (_, existing, added) => existing.Revision > added.Revision ? existing : added,
            (stored.Revision, parsed));
        return parsed;
    }

    /// <summary>The parsed form of <paramref name="stored"/>, fully built, not cached.</summary>
    public static JsonObject Parse(StoredObject stored)
    {
        var parsed = ObjectJson.Parse(stored.Value);
        Materialize(parsed);
        return parsed;
    }

    /// <summary>Drops the key (deleted at <paramref name="revision"/>) unless a newer version is cached.</summary>
    public void Remove(string key, long revision)
    {
        if (_objects.TryGetValue(key, out var cached) && cached.Revision <= revision)
        {
            _objects.TryRemove(new KeyValuePair<string, (long, JsonObject)>(key, cached));
        }
    }

    /// <summary>
    /// Builds every node now: JsonNode fills its children in on first access, which is not safe while other threads
    /// read the same object.
    /// </summary>
    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var property in o)
                {
                    Materialize(property.Value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Materialize(item);
                }

                break;
        }
    }
}
