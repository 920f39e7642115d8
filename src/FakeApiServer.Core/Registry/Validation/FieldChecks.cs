using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.Validation;

/// <summary>
/// Checks many strategies share, with upstream's messages: immutable fields (apimachinery's ValidateImmutableField),
/// required fields and enum values.
/// </summary>
internal static class FieldChecks
{
    /// <summary>The node at a dotted path ("spec.selector"), or null.</summary>
    public static JsonNode? At(JsonNode? obj, string dottedPath)
    {
        var node = obj;
        foreach (var part in dottedPath.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>"&lt;path&gt;: Invalid value: ...: field is immutable" for each path whose value differs between the objects.</summary>
    public static void Immutable(JsonObject newObj, JsonObject oldObj, List<FieldError> errors, params string[] paths)
    {
        foreach (var path in paths)
        {
            var value = At(newObj, path);
            if (!JsonNode.DeepEquals(value, At(oldObj, path)))
            {
                errors.Add(FieldError.Invalid(path, Printable(value), "field is immutable"));
            }
        }
    }

    /// <summary>"Required value" for each path without a value (null, "" or an empty list or map).</summary>
    public static void Required(JsonObject obj, List<FieldError> errors, params string[] paths)
    {
        foreach (var path in paths)
        {
            if (IsEmpty(At(obj, path)))
            {
                errors.Add(FieldError.Required(path));
            }
        }
    }

    /// <summary>"Unsupported value" when the string at <paramref name="path"/> is set and not one of <paramref name="supported"/>.</summary>
    public static void OneOf(JsonObject obj, List<FieldError> errors, string path, params string[] supported)
    {
        if (At(obj, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String && !supported.Contains(v.GetValue<string>()))
        {
            errors.Add(FieldError.NotSupported(path, v.GetValue<string>(), supported));
        }
    }

    /// <summary>"must be greater than or equal to 0" for a negative number at <paramref name="path"/>.</summary>
    public static void NonNegative(JsonObject obj, List<FieldError> errors, string path)
    {
        if (At(obj, path) is JsonValue v && v.TryGetValue(out long n) && n < 0)
        {
            errors.Add(FieldError.Invalid(path, n, "must be greater than or equal to 0"));
        }
    }

    /// <summary>Whether a value is absent, "" or an empty list or map.</summary>
    public static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        _ => false,
    };

    /// <summary>A value as an error shows it: strings and numbers as they are, anything else as its JSON.</summary>
    public static object? Printable(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.TryGetValue(out long n) => n,
        _ => value.ToJsonString(),
    };
}
