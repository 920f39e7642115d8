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
