using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Schema.Cel;

/// <summary>CEL's null value (JSON null).</summary>
internal sealed class CelNull
{
    public static readonly CelNull Value = new();

    private CelNull()
    {
    }

    public override string ToString() => "null";
}

/// <summary>A CEL map or object: string keys for schema objects, any scalar keys for map literals; insertion order kept.</summary>
internal sealed class CelMap
{
    public CelMap(IEnumerable<KeyValuePair<object, object>> entries)
    {
        Entries = [];
        foreach (var (key, value) in entries)
        {
            if (Entries.Any(e => CelOperators.ValueEquals(e.Key, key)))
            {
                throw new CelEvaluationException("Failed with repeated key: " + CelOperators.Format(key));
            }

            Entries.Add(KeyValuePair.Create(key, value));
        }
    }

    public List<KeyValuePair<object, object>> Entries { get; }

    public int Count => Entries.Count;

    public bool TryGet(object key, out object value)
    {
        foreach (var entry in Entries)
        {
            if (CelOperators.ValueEquals(entry.Key, key))
            {
                value = entry.Value;
                return true;
            }
        }

        value = CelNull.Value;
        return false;
    }
}

/// <summary>optional(T), the type of oldSelf in rules with optionalOldSelf.</summary>
internal sealed record CelOptional(object? Value)
{
    public bool HasValue => Value is not null;
}

/// <summary>A CEL type value, as type(x) returns it (int, string, list, map, ...).</summary>
internal sealed record CelType(string Name)
{
    public override string ToString() => Name;
}

/// <summary>
/// JSON values as CEL sees them through a structural schema, as apiextensions-apiserver's UnstructuredToVal: integer
/// fields are int, number fields double, date-time strings timestamps, duration strings durations, int-or-string and
/// schemaless values dynamic; at a resource root, metadata shows only name and generateName.
/// </summary>
internal static class CelValues
{
    public static object FromJson(JsonNode? node, CrdSchema? schema, bool isResourceRoot = false)
    {
        switch (node)
        {
            case null:
                return CelNull.Value;
            case JsonObject o:
                var entries = new List<KeyValuePair<object, object>>();
                foreach (var (key, value) in o)
                {
                    var child = schema?.Property(key) ?? schema?.AdditionalProperties;
                    if ((isResourceRoot || schema?.EmbeddedResource == true) && key == "metadata" && value is JsonObject meta)
                    {
                        var visible = new JsonObject();
                        foreach (var name in (string[])["name", "generateName"])
                        {
                            if (meta[name] is { } v)
                            {
                                visible[name] = v.DeepClone();
                            }
                        }

                        entries.Add(KeyValuePair.Create<object, object>(key, FromJson(visible, null)));
                        continue;
                    }

                    entries.Add(KeyValuePair.Create<object, object>(key, FromJson(value, child)));
                }

                return new CelMap(entries);
            case JsonArray a:
                return a.Select(x => FromJson(x, schema?.Items)).ToList();
            case JsonValue v:
                var kind = JsonKinds.Kind(v);
                switch (kind)
                {
                    case JsonKinds.Boolean:
                        return v.GetValue<bool>();
                    case JsonKinds.String:
                        var s = v.GetValue<string>();
                        if (schema?.Type == "string" && schema.Format is "date-time" or "datetime" && CelFunctions.TryParseTimestamp(s, out var ts))
                        {
                            return ts;
                        }

                        if (schema?.Type == "string" && schema.Format == "duration" && CelFunctions.TryParseDuration(s, out var d))
                        {
                            return d;
                        }

                        return s;
                    case JsonKinds.Integer when schema?.Type == "number":
                        return JsonKinds.GetDouble(v);
                    case JsonKinds.Integer:
                        JsonKinds.TryGetLong(v, out var l);
                        return l;
                    case JsonKinds.Number when schema?.Type == "integer" && double.IsInteger(JsonKinds.GetDouble(v)):
                        return (long)JsonKinds.GetDouble(v);
                    default:
                        return JsonKinds.GetDouble(v);
                }

            default:
                return CelNull.Value;
        }
    }

    /// <summary>The CEL type name of a value, as error messages and type() name it.</summary>
    public static string TypeName(object value) => value switch
    {
        CelNull => "null_type",
        bool => "bool",
        long => "int",
        ulong => "uint",
        double => "double",
        string => "string",
        byte[] => "bytes",
        IReadOnlyList<object> => "list",
        CelMap => "map",
        TimeSpan => "google.protobuf.Duration",
        DateTimeOffset => "google.protobuf.Timestamp",
        CelOptional => "optional_type",
        CelType => "type",
        _ when Library.CelKubernetesLibrary.TypeName(value) is { } library => library,
        _ => value.GetType().Name.ToLower(CultureInfo.InvariantCulture),
    };
}
