using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>Typed access to metadata and common fields of an object held as JSON (objects are stored and served as JSON).</summary>
internal static class ObjectMeta
{
    public static JsonObject Metadata(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    public static string? GetString(this JsonObject obj, string property) =>
        obj[property] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>
    /// Whether <paramref name="property"/> is the string <paramref name="expected"/>: <see cref="GetString"/> compared,
    /// without making the string of a parsed value (each read of one decodes it again).
    /// </summary>
    public static bool HasString(this JsonObject obj, string property, string expected) => obj[property] switch
    {
        JsonValue v when v.TryGetValue(out System.Text.Json.JsonElement e) => e.ValueKind == System.Text.Json.JsonValueKind.String && e.ValueEquals(expected),
        JsonValue v => v.TryGetValue(out string? s) && s == expected,
        _ => false,
    };

    /// <summary>An integer property, whether the tree was parsed (JsonElement values) or built in code (int or long values).</summary>
    public static long? GetInt64(this JsonObject obj, string property) => AsInt64(obj[property]);

    /// <summary>A node as an integer, or null when it is not an integral number.</summary>
    public static long? AsInt64(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;

    public static string Name(this JsonObject obj) => obj.Metadata().GetString("name") ?? "";

    public static string Namespace(this JsonObject obj) => obj.Metadata().GetString("namespace") ?? "";

    public static string? ResourceVersion(this JsonObject obj) => obj.Metadata().GetString("resourceVersion");

    public static string? Uid(this JsonObject obj) => obj.Metadata().GetString("uid");

    public static bool HasDeletionTimestamp(this JsonObject obj) => obj.Metadata()["deletionTimestamp"] is not null;

    public static IReadOnlyList<string> Finalizers(this JsonObject obj) =>
        obj.Metadata()["finalizers"] is JsonArray a ? a.Select(n => n?.GetValue<string>() ?? "").ToArray() : [];

    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                map[k] = v is JsonValue jv && jv.TryGetValue(out string? s) ? s : v?.ToJsonString() ?? "";
            }
        }

        return map;
    }

    public static Dictionary<string, string> Labels(this JsonObject obj) => StringMap(obj.Metadata()["labels"]);

    /// <summary>The value at a dotted path ("spec.nodeName") as a string the way field selectors compare it, or null.</summary>
    /// <summary>The object at <paramref name="property"/>, added empty when the member is missing or not an object.</summary>
    public static JsonObject ChildObject(this JsonObject obj, string property)
    {
        if (obj[property] is not JsonObject child)
        {
            child = [];
            obj[property] = child;
        }

        return child;
    }

    public static string? FieldString(this JsonObject obj, string dottedPath)
    {
        JsonNode? node = obj;
        foreach (var part in dottedPath.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node is JsonValue v
            ? v.TryGetValue(out string? s) ? s : v.TryGetValue(out bool b) ? (b ? "true" : "false") : v.ToJsonString()
            : node.ToJsonString();
    }

    /// <summary>RFC 3339 with second precision in UTC, as metav1.Time serializes.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 with microseconds, as metav1.MicroTime serializes.</summary>
    public static string FormatMicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
