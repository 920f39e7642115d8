using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// x-kubernetes-list-type semantics on values, as apiextensions-apiserver's listtype validation: a set holds no
/// value twice, a map list holds no two objects with the same key fields, and map-list items correlate with the
/// old list's item of the same keys (for ratcheting and transition rules).
/// </summary>
internal static class ListMapKeys
{
    /// <summary>The old item with the same map keys as <paramref name="item"/>, when the list is a list-type=map.</summary>
    public static (JsonNode? Old, bool Found) Correlate(JsonNode? item, CrdSchema listSchema, JsonArray? oldList)
    {
        ArgumentNullException.ThrowIfNull(listSchema);
        if (oldList is null || listSchema.ListType != ListTypes.Map || listSchema.ListMapKeys.Count == 0 || item is not JsonObject o)
        {
            return (null, false);
        }

        var key = KeyOf(o, listSchema.ListMapKeys);
        foreach (var candidate in oldList)
        {
            if (candidate is JsonObject c && KeyOf(c, listSchema.ListMapKeys) == key)
            {
                return (c, true);
            }
        }

        return (null, false);
    }

    /// <summary>Duplicate errors for sets and map lists anywhere in <paramref name="obj"/> (paths as field.Path prints them).</summary>
    public static IReadOnlyList<FieldError> Validate(JsonObject obj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<FieldError>();
        Walk(obj, schema, "", errors);
        return errors;
    }

    private static void Walk(JsonNode? node, CrdSchema schema, string path, List<FieldError> errors)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (schema.Property(key) is { } property)
                    {
                        Walk(value, property, path.Length == 0 ? key : path + "." + key, errors);
                    }
                    else if (schema.AdditionalProperties is { } values)
                    {
                        Walk(value, values, path + "[" + key + "]", errors);
                    }
                }

                break;
            case JsonArray a:
                if (schema.ListType == ListTypes.Set)
                {
                    foreach (var i in NonUnique([.. a.Select(JsonKinds.Canonical)]))
                    {
                        errors.Add(FieldError.Duplicate(Index(path, i), a[i]?.DeepClone()));
                    }
                }
                else if (schema.ListType == ListTypes.Map)
                {
                    ValidateMap(a, schema, path, errors);
                }

                if (schema.Items is { } items)
                {
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], items, Index(path, i), errors);
                    }
                }

                break;
        }
    }

    private static void ValidateMap(JsonArray a, CrdSchema schema, string path, List<FieldError> errors)
    {
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] is not null and not JsonObject)
            {
                errors.Add(FieldError.Invalid(Index(path, i), a[i]!.DeepClone(), "must be an object for an array of list-type map"));
                return;
            }
        }

        var keys = a.Select(x =>
        {
            var key = new JsonObject();
            if (x is JsonObject o)
            {
                foreach (var k in schema.ListMapKeys)
                {
                    if (o.TryGetPropertyValue(k, out var v))
                    {
                        key[k] = v?.DeepClone();
                    }
                }
            }

            return key;
        }).ToList();
        foreach (var i in NonUnique([.. keys.Select(JsonKinds.Canonical)]))
        {
            errors.Add(FieldError.Duplicate(Index(path, i), keys[i]));
        }
    }

    /// <summary>The index of each value's second appearance (once per value), as upstream's validateListSet.</summary>
    private static IEnumerable<int> NonUnique(IReadOnlyList<string> values)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            seen[values[i]] = seen.GetValueOrDefault(values[i]) + 1;
            if (seen[values[i]] == 2)
            {
                yield return i;
            }
        }
    }

    private static string KeyOf(JsonObject o, IReadOnlyList<string> keys) =>
        string.Join("\u0000", keys.Select(k => o.TryGetPropertyValue(k, out var v) ? JsonKinds.Canonical(v) : "\u0001"));

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
}
