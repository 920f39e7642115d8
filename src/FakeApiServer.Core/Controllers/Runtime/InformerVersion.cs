using System.Text.Json.Nodes;
using FakeApiServer.Storage;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// One stored version of an object as an informer saw it, parsed on first use and then kept: the informer hands it
/// out as an event's object, and again as the next event's old object, for one parse in all.
/// </summary>
internal sealed class InformerVersion
{
    private readonly ParsedObjects _parsed;
    private readonly int _prefixLength;
    private readonly bool _cached;
    private JsonObject? _object;

    /// <param name="stored">The version.</param>
    /// <param name="parsed">The resource's shared parsed objects.</param>
    /// <param name="prefixLength">The length of the resource's key prefix (the key is prefix, [namespace "/"], name).</param>
    /// <param name="cached">False for a deleted object's last state, which must not go (back) into the shared cache.</param>
    public InformerVersion(StoredObject stored, ParsedObjects parsed, int prefixLength, bool cached = true)
    {
        Stored = stored;
        _parsed = parsed;
        _prefixLength = prefixLength;
        _cached = cached;
    }

    public StoredObject Stored { get; }

    /// <summary>The parsed object, fully built (safe to read from any thread).</summary>
    public JsonObject Object
    {
        get
        {
            if (Volatile.Read(ref _object) is { } parsed)
            {
                return parsed;
            }

            var built = _cached ? _parsed.Get(Stored) : ParsedObjects.Parse(Stored);
            return Interlocked.CompareExchange(ref _object, built, null) ?? built;
        }
    }

    /// <summary>The namespace from the key ("" for a cluster-scoped object).</summary>
    public string Namespace
    {
        get
        {
            var rest = Stored.Key.AsSpan(_prefixLength);
            var slash = rest.IndexOf('/');
            return slash < 0 ? "" : rest[..slash].ToString();
        }
    }

    /// <summary>The name from the key.</summary>
    public string Name
    {
        get
        {
            var key = Stored.Key;
            return key[(key.LastIndexOf('/') + 1)..];
        }
    }

    /// <summary>This version as the last state of a deleted object: read from here when parsed already, else parsed apart from the cache.</summary>
    public InformerVersion AsDeleted() => _cached && Volatile.Read(ref _object) is null
        ? new InformerVersion(Stored, _parsed, _prefixLength, cached: false)
        : this;
}
