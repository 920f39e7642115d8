using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema;

namespace FakeApiServer.Api;

/// <summary>
/// Values of the wrong JSON type (a number for metadata.name, a string for labels...) are refused on every write path
/// with the error upstream gives when it decodes into the kind's Go types, so such an object is never stored:
/// create and update fail decoding the body (400), a JSON or merge patch fails decoding the patched object and a
/// strategic merge patch converting it (422 on the field "patch"), and server-side apply fails building its typed
/// patch object (400; 1.33 answers 500 there, which upstream is fixing as a client error).
/// </summary>
internal static class TypedDecoding
{
    /// <summary>Create and update: the body must decode (the meta interpreter reads apiVersion and kind first).</summary>
    public static void CheckBody(ResourceDefinition definition, StructuralSchema? schema, JsonObject obj)
    {
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (obj[field] is { } value && value.GetValueKind() != JsonValueKind.String)
            {
                throw ApiException.BadRequest(
                    $"couldn't get version/kind; json parse error: json: cannot unmarshal {Patching.JsonPatch.GoJsonType(value)} into Go struct field .{field} of type string");
            }
        }

        if (schema is not null && TypeMismatch.Find(obj, schema) is { } mismatch)
        {
            throw ApiException.BadRequest(
                $"{definition.Kind} in version \"{definition.Version}\" cannot be handled as a {definition.Kind}: {JsonMessage(mismatch)}");
        }
    }

    /// <summary>A JSON patch or merge patch: the patched object must decode (upstream quotes it in the error).</summary>
    public static void CheckJsonPatched(StructuralSchema? schema, JsonObject patched)
    {
        if (schema is not null && TypeMismatch.Find(patched, schema) is { } mismatch)
        {
            throw PatchInvalid(GoJson.Marshal(patched), JsonMessage(mismatch));
        }
    }

    /// <summary>A strategic merge patch: the patched map must convert into the Go object (upstream quotes the patch in the error).</summary>
    public static void CheckStrategicPatched(StructuralSchema? schema, JsonObject patched, JsonNode? patch)
    {
        if (schema is not null && TypeMismatch.Find(patched, schema) is { } mismatch)
        {
            throw PatchInvalid(GoJson.Format(patch), UnstructuredMessage(mismatch));
        }
    }

    /// <summary>Server-side apply: the applied configuration must convert into a typed object of the kind's schema.</summary>
    public static void CheckApplied(ResourceDefinition definition, string ns, string name, StructuralSchema? schema, JsonObject config)
    {
        if (schema is not null && TypeMismatch.Find(config, schema) is { } mismatch)
        {
            var groupVersion = definition.Group.Length == 0 ? "/" + definition.Version : definition.Group + "/" + definition.Version;
            throw ApiException.BadRequest(
                $"failed to create typed patch object ({ns}/{name}; {groupVersion}, Kind={definition.Kind}): {mismatch.SmdPath}: {TypedMessage(mismatch)}");
        }
    }

    /// <summary>encoding/json's UnmarshalTypeError.</summary>
    private static string JsonMessage(TypeMismatch m) =>
        $"json: cannot unmarshal {m.JsonKind} into Go struct field {m.Struct}.{m.Field} of type {TypeMismatch.GoType(m.Schema)}";

    /// <summary>runtime.DefaultUnstructuredConverter's errors (converter.go fromUnstructured).</summary>
    private static string UnstructuredMessage(TypeMismatch m)
    {
        var source = m.UnstructuredKind;
        var target = TypeMismatch.GoType(m.Schema);
        return m.Schema.Type switch
        {
            "array" or "string" when target == "[]uint8" => $"cannot restore slice from {source}",
            "array" => $"cannot restore slice from {source}",
            "object" when m.Schema.AdditionalProperties is not null => $"cannot restore map from {source}",
            "object" => $"cannot restore struct from: {source}",
            "string" when source == "int64" => "cannot convert int64 to string",
            "integer" when source == "float64" => $"cannot convert float64 to {target}",
            _ => $"unrecognized type: {target}",
        };
    }

    /// <summary>structured-merge-diff's validation errors (typed/helpers.go).</summary>
    private static string TypedMessage(TypeMismatch m)
    {
        var value = GoJson.Format(m.Value);
        return m.Schema.Type switch
        {
            "array" => $"expected list, got &{{{value}}}",
            "object" => $"expected map, got &{{{value}}}",
            "integer" or "number" => $"expected numeric (int or float), got {GoTypeOf(m.Value)}",
            "boolean" => $"expected boolean, got &{{{value}}}",
            _ => $"expected string, got &value.valueUnstructured{{Value:{(m.Value.GetValueKind() == JsonValueKind.String ? FieldError.Quote(value) : value)}}}",
        };
    }

    private static string GoTypeOf(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "map[string]interface {}",
        JsonValueKind.Array => "[]interface {}",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "int64",
    };

    private static ApiException PatchInvalid(string value, string detail) =>
        ApiException.Invalid(new GroupKind("", ""), "", [FieldError.Invalid("patch", value, detail)]);
}
