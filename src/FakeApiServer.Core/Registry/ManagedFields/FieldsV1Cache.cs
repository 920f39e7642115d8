using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// Decoded FieldsV1 by their JSON text, and the FieldsV1 of those decoded sets, for one resource's writes. An update
/// or patch decodes the stored entries' FieldsV1 and encodes the entries again, and mostly the same few sets: the
/// objects of a kind share their shape, and an entry that loses nothing keeps its set (issue 20: ~3.5% of the CPU of
/// a PUT went to decoding and encoding them). Sets are never changed once built (their operations return new sets),
/// so one decoded set serves every request. Bounded: emptied when it holds <see cref="MaxSets"/> texts.
/// </summary>
internal sealed class FieldsV1Cache
{
    /// <summary>Distinct FieldsV1 texts kept (each a few hundred bytes and its set): every shape of a kind's objects in a load test fits.</summary>
    private const int MaxSets = 1024;

    private readonly ConcurrentDictionary<string, FieldSet> _sets = new(StringComparer.Ordinal);
    // The encoding of a decoded set, parsed once: a JsonObject made over a parsed element reads it only when changed, and
    // nothing changes a managedFields entry's fieldsV1 before it is written (so each request's node shares the element).
    private readonly ConditionalWeakTable<FieldSet, StrongBox<JsonElement>> _encoded = [];

    /// <summary><see cref="FieldSet.FromFieldsV1"/>, the same set for the same text. Throws <see cref="FormatException"/> as it does.</summary>
    public FieldSet Decode(JsonNode? fields)
    {
        if (fields is not JsonObject)
        {
            return FieldSet.FromFieldsV1(fields);
        }

        var text = fields.ToJsonString();
        if (_sets.TryGetValue(text, out var set))
        {
            return set;
        }

        set = FieldSet.FromFieldsV1(fields);
        _encoded.AddOrUpdate(set, new StrongBox<JsonElement>(ObjectJson.ParseElement(ObjectJson.Serialize(set.ToFieldsV1()))));
        if (_sets.Count >= MaxSets)
        {
            _sets.Clear();
        }

        _sets.TryAdd(text, set);
        return set;
    }

    /// <summary><see cref="FieldSet.ToFieldsV1"/>: for a set this cache decoded, a new node over its encoding parsed once.</summary>
    public JsonObject Encode(FieldSet set) =>
        _encoded.TryGetValue(set, out var encoded) ? JsonObject.Create(encoded.Value)! : set.ToFieldsV1();
}
