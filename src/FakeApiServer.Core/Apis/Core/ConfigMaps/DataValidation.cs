using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.ConfigMaps;

/// <summary>Validation shared by ConfigMap and Secret data (upstream IsConfigMapKey and the immutable flag).</summary>
internal static partial class DataValidation
{
    private const string ConfigMapKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    public static IReadOnlyList<FieldError> ValidateConfigData(JsonObject obj, params string[] fields)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (obj[field] is not JsonObject data)
            {
                continue;
            }

            foreach (var (key, _) in data)
            {
                if (key.Length > 253)
                {
                    errors.Add(FieldError.Invalid($"{field}[{key}]", key, "must be no more than 253 characters"));
                }
                else if (!ConfigKey().IsMatch(key))
                {
                    errors.Add(FieldError.Invalid($"{field}[{key}]", key, ConfigMapKeyMessage));
                }
                else if (key is "." or "..")
                {
                    errors.Add(FieldError.Invalid($"{field}[{key}]", key, $"must not be '{key}'"));
                }

                if (!seen.Add(key))
                {
                    errors.Add(FieldError.Invalid($"{field}[{key}]", key, "duplicate of key present in " + fields[0]));
                }
            }
        }

        return errors;
    }

    /// <summary>core.MaxSecretSize: the data of a ConfigMap or Secret may hold at most 1 MiB.</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>
    /// The total size of the values (UTF-8 text of <paramref name="textFields"/>, decoded bytes of
    /// <paramref name="base64Fields"/>) over <see cref="MaxDataBytes"/> is one TooLong error at <paramref name="errorField"/>
    /// (ValidateConfigMap reports it on the whole object, "", ValidateSecret on "data").
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateTotalSize(JsonObject obj, string errorField, string[] textFields, string[] base64Fields)
    {
        long total = 0;
        foreach (var field in textFields.Concat(base64Fields))
        {
            if (obj[field] is not JsonObject data)
            {
                continue;
            }

            var decoded = base64Fields.Contains(field);
            foreach (var (_, value) in data)
            {
                if (!decoded && Utf8LengthWithoutDecoding(value) is { } length)
                {
                    total += length;
                    continue;
                }

                var text = value is JsonValue v && v.TryGetValue(out string? s) ? s : "";
                total += decoded ? DecodedLength(text) : System.Text.Encoding.UTF8.GetByteCount(text);
            }
        }

        return total > MaxDataBytes ? [FieldError.TooLong(errorField, null, MaxDataBytes)] : [];
    }

    /// <summary>
    /// The UTF-8 length of a string value still held as the request's bytes, read from them when they need no unescaping
    /// (a 2 KiB value was decoded into a string on every create and update only to be measured); null otherwise.
    /// </summary>
    private static long? Utf8LengthWithoutDecoding(JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue(out JsonElement element) || element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.Contains((byte)'\\') ? null : raw.Length - 2;
    }

    private static long DecodedLength(string base64)
    {
        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        return Math.Max(0, (base64.Length * 3L / 4) - padding);
    }

    public static IReadOnlyList<FieldError> ValidateImmutableData(JsonObject newObj, JsonObject oldObj, params string[] fields)
    {
        var errors = new List<FieldError>(ValidateConfigData(newObj, fields));
        if (oldObj["immutable"] is JsonValue v && v.TryGetValue(out bool immutable) && immutable)
        {
            if (newObj["immutable"] is not JsonValue nv || !nv.TryGetValue(out bool stillImmutable) || !stillImmutable)
            {
                errors.Add(FieldError.Forbidden("immutable", "field is immutable when `immutable` is set"));
            }

            foreach (var field in fields)
            {
                if (!JsonNode.DeepEquals(newObj[field], oldObj[field]))
                {
                    errors.Add(FieldError.Forbidden(field, "field is immutable when `immutable` is set"));
                }
            }
        }

        return errors;
    }
}
