using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>What a <see cref="PathElement"/> selects, in upstream's sort order (fields before keys before values before indexes).</summary>
internal enum PathElementKind
{
    /// <summary>A field of a struct or a key of a map: <c>f:name</c>.</summary>
    Field,

    /// <summary>An element of a list-type map, by its list-map-keys: <c>k:{"name":"nginx"}</c>.</summary>
    Key,

    /// <summary>An element of a set list, by its value: <c>v:"a"</c>.</summary>
    Value,

    /// <summary>An element of a list by position: <c>i:0</c> (only read from clients; atomic lists are leaves here).</summary>
    Index,
}

/// <summary>
/// One step of a field path, as structured-merge-diff's fieldpath.PathElement. <see cref="Token"/> is its FieldsV1
/// spelling and its identity: two elements are equal when their tokens are, because keys are sorted by name and
/// values are written as compact JSON.
/// </summary>
internal sealed class PathElement : IComparable<PathElement>, IEquatable<PathElement>
{
    private PathElement(PathElementKind kind, string? name, IReadOnlyList<KeyValuePair<string, JsonNode?>>? keys, JsonNode? value, int index,
        string? token = null)
    {
        Kind = kind;
        Name = name;
        Keys = keys ?? [];
        Value = value;
        Index = index;
        Token = token ?? kind switch
        {
            PathElementKind.Field => "f:" + name,
            PathElementKind.Key => "k:" + KeyJson(Keys),
            PathElementKind.Value => "v:" + Compact(value),
            _ => "i:" + index.ToString(CultureInfo.InvariantCulture),
        };
    }

    public PathElementKind Kind { get; }

    /// <summary>The field or map key (<see cref="PathElementKind.Field"/>).</summary>
    public string? Name { get; }

    /// <summary>The key fields sorted by name (<see cref="PathElementKind.Key"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Keys { get; }

    /// <summary>The element's value (<see cref="PathElementKind.Value"/>).</summary>
    public JsonNode? Value { get; }

    public int Index { get; }

    /// <summary>The FieldsV1 spelling: f:name, k:{"name":"x"}, v:"x", i:0.</summary>
    public string Token { get; }

    public static PathElement Field(string name) => new(PathElementKind.Field, name, null, null, 0);

    /// <summary>A list-map element; the key fields are sorted by name, as upstream sorts them.</summary>
    public static PathElement Key(IEnumerable<KeyValuePair<string, JsonNode?>> keys) =>
        new(PathElementKind.Key, null, keys.OrderBy(k => k.Key, StringComparer.Ordinal).ToArray(), null, 0);

    public static PathElement OfValue(JsonNode? value) => new(PathElementKind.Value, null, null, value, 0);

    public static PathElement OfIndex(int index) => new(PathElementKind.Index, null, null, null, index);

    /// <summary>Parses a FieldsV1 token; null when it is not one (upstream rejects such managedFields).</summary>
    public static PathElement? Parse(string token)
    {
        if (token.Length < 2 || token[1] != ':')
        {
            return null;
        }

        var rest = token[2..];
        try
        {
            switch (token[0])
            {
                case 'f':
                    // The token is already the field's spelling: no need to build it again.
                    return new PathElement(PathElementKind.Field, rest, null, null, 0, token);
                case 'v':
                    return OfValue(JsonNode.Parse(rest));
                case 'i':
                    return int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? OfIndex(i) : null;
                case 'k':
                    return JsonNode.Parse(rest) is JsonObject keys ? Key(keys.Select(k => new KeyValuePair<string, JsonNode?>(k.Key, k.Value?.DeepClone()))) : null;
                default:
                    return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Upstream's PathElement.Compare: by kind, then field name, keys or value.</summary>
    public int CompareTo(PathElement? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Kind != other.Kind)
        {
            return Kind.CompareTo(other.Kind);
        }

        switch (Kind)
        {
            case PathElementKind.Field:
                return string.CompareOrdinal(Name, other.Name);
            case PathElementKind.Index:
                return Index.CompareTo(other.Index);
            case PathElementKind.Value:
                return JsonOrder.Compare(Value, other.Value);
            default:
                for (var i = 0; ; i++)
                {
                    if (i >= Keys.Count || i >= other.Keys.Count)
                    {
                        return Keys.Count.CompareTo(other.Keys.Count);
                    }

                    var byName = string.CompareOrdinal(Keys[i].Key, other.Keys[i].Key);
                    if (byName != 0)
                    {
                        return byName;
                    }

                    var byValue = JsonOrder.Compare(Keys[i].Value, other.Keys[i].Value);
                    if (byValue != 0)
                    {
                        return byValue;
                    }
                }
        }
    }

    public bool Equals(PathElement? other) => other is not null && Token == other.Token;

    public override bool Equals(object? obj) => obj is PathElement other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Token);

    /// <summary>The path syntax of conflict messages (upstream's PathElement.String): .name, [name="x"], [="x"], [0].</summary>
    public override string ToString() => Kind switch
    {
        PathElementKind.Field => "." + Name,
        PathElementKind.Key => "[" + string.Join(",", Keys.Select(k => k.Key + "=" + Display(k.Value))) + "]",
        PathElementKind.Value => "[=" + Display(Value) + "]",
        _ => "[" + Index.ToString(CultureInfo.InvariantCulture) + "]",
    };

    /// <summary>Compact JSON without escaping beyond what JSON needs, as Go's encoder writes keys and values.</summary>
    public static string Compact(JsonNode? node) => node is null ? "null" : Encoding.UTF8.GetString(ObjectJson.Serialize(node));

    private static string KeyJson(IReadOnlyList<KeyValuePair<string, JsonNode?>> keys)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in keys)
        {
            obj[name] = value?.DeepClone();
        }

        return Compact(obj);
    }

    /// <summary>upstream's value.ToString: strings quoted (%q), other values as JSON.</summary>
    private static string Display(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue(out string? s) ? JsonSerializer.Serialize(s) : Compact(value);
}

/// <summary>Upstream's value.Compare: numbers, then strings, then booleans, then lists, then maps, then null.</summary>
internal static class JsonOrder
{
    public static int Compare(JsonNode? a, JsonNode? b)
    {
        var rank = Rank(a).CompareTo(Rank(b));
        if (rank != 0)
        {
            return rank;
        }

        switch (a)
        {
            case JsonValue va when va.GetValueKind() == JsonValueKind.Number:
                return Number(va).CompareTo(Number(b!.AsValue()));
            case JsonValue va when va.GetValueKind() == JsonValueKind.String:
                return string.CompareOrdinal(va.GetValue<string>(), b!.AsValue().GetValue<string>());
            case JsonValue va when va.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return va.GetValue<bool>().CompareTo(b!.AsValue().GetValue<bool>());
            case JsonArray la:
                var lb = (JsonArray)b!;
                for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
                {
                    var c = Compare(la[i], lb[i]);
                    if (c != 0)
                    {
                        return c;
                    }
                }

                return la.Count.CompareTo(lb.Count);
            case JsonObject:
                return string.CompareOrdinal(PathElement.Compact(a), PathElement.Compact(b));
            default:
                return 0;
        }
    }

    /// <summary>A number whether the tree was parsed (JsonElement) or built in code (int, long, double).</summary>
    private static double Number(JsonValue value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Rank(JsonNode? node) => node switch
    {
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.Number => 0,
            JsonValueKind.String => 1,
            JsonValueKind.True or JsonValueKind.False => 2,
            _ => 5,
        },
        JsonArray => 3,
        JsonObject => 4,
        _ => 5,
    };
}
