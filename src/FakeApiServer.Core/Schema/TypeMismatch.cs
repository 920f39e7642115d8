using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Schema;

/// <summary>
/// A JSON value whose type does not fit the Go type the field decodes into (a number for metadata.name, a string for
/// labels, a map for finalizers...): upstream fails decoding such a body into its typed object, so it is never stored.
/// Only fields inside a Go struct (a schema node with a component name) are checked, so a custom resource's own
/// fields are left to its CRD schema validation while its metadata is checked as ObjectMeta.
/// </summary>
/// <param name="Struct">The innermost Go struct holding the field, e.g. ObjectMeta.</param>
/// <param name="Field">The JSON field names from the root, dotted, without list indexes or map keys: metadata.labels.</param>
/// <param name="SmdPath">The same place as server-side apply names it: .metadata.labels.a, .spec.containers[0].</param>
/// <param name="Schema">The field's schema.</param>
/// <param name="Value">The value that does not fit.</param>
internal sealed record TypeMismatch(string Struct, string Field, string SmdPath, StructuralSchema Schema, JsonNode Value)
{
    /// <summary>The first value in document order that does not fit its field's type, or null; <paramref name="obj"/> is not changed.</summary>
    public static TypeMismatch? Find(JsonObject obj, StructuralSchema schema) =>
        Walk(obj, schema, schema.ComponentName is { } root ? StructName(root) : null);

    /// <summary>The Go type of a field as encoding/json prints it: string, int32, []string, map[string]string, v1.ObjectMeta.</summary>
    public static string GoType(StructuralSchema schema) => schema switch
    {
        { IntOrString: true, ComponentName: { } c } => PackageQualified(c),
        { IntOrString: true } => "intstr.IntOrString",
        { Type: "string", Format: "byte" } => "[]uint8",
        { Type: "string" } => "string",
        { Type: "integer", Format: "int32" } => "int32",
        { Type: "integer" } => "int64",
        { Type: "number" } => "float64",
        { Type: "boolean" } => "bool",
        { Type: "array", Items: { } items } => "[]" + GoType(items),
        { Type: "object", AdditionalProperties: { } values } => "map[string]" + GoType(values),
        { ComponentName: { } c } => PackageQualified(c),
        _ => "interface {}",
    };

    /// <summary>How encoding/json names a JSON value in "cannot unmarshal X into ...": a number that does not fit an integer carries its text.</summary>
    public string JsonKind => Value.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number when Schema.Type == "integer" => "number " + Value.ToJsonString(),
        _ => "number",
    };

    /// <summary>The Go kind of the value as it sits in an unstructured map: string, int64, float64, bool, slice, map.</summary>
    public string UnstructuredKind => Value.GetValueKind() switch
    {
        JsonValueKind.Object => "map",
        JsonValueKind.Array => "slice",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => IsIntegral(Value) ? "int64" : "float64",
    };

    /// <summary>
    /// One step of the walk's path: a struct field (<paramref name="Key"/>, also part of the dotted field name), a map
    /// key (<paramref name="Key"/>, only in the server-side apply path) or a list index. The path strings are built only
    /// for a value that does not fit, not for every node walked.
    /// </summary>
    private readonly record struct Step(string? Key, int Index, bool InField);

    private static TypeMismatch? Walk(JsonObject obj, StructuralSchema schema, string? owner) => Walk(obj, schema, owner, [], top: true);

    private static TypeMismatch? Walk(JsonNode? node, StructuralSchema schema, string? owner, List<Step> path, bool top)
    {
        if (node is null)
        {
            return null; // null decodes into any Go type as its zero value
        }

        if (!top && owner is not null && !Fits(node, schema))
        {
            return new TypeMismatch(owner, FieldOf(path), SmdPathOf(path), schema, node);
        }

        switch (node)
        {
            case JsonObject obj when schema.Properties.Count > 0:
                var structName = schema.ComponentName is { } c ? StructName(c) : owner;
                // By index: a JsonObject's enumerator is an allocated object, and every body is walked.
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, value) = obj.GetAt(i);
                    if (schema.Property(key) is { } child && Descend(new Step(key, 0, InField: true), value, child, structName, path) is { } found)
                    {
                        return found;
                    }
                }

                break;
            case JsonObject map when schema.AdditionalProperties is { } values:
                for (var i = 0; i < map.Count; i++)
                {
                    var (key, value) = map.GetAt(i);
                    if (Descend(new Step(key, 0, InField: false), value, values, owner, path) is { } found)
                    {
                        return found;
                    }
                }

                break;
            case JsonArray list when schema.Items is { } items:
                for (var i = 0; i < list.Count; i++)
                {
                    if (Descend(new Step(null, i, InField: false), list[i], items, owner, path) is { } found)
                    {
                        return found;
                    }
                }

                break;
        }

        return null;
    }

    /// <summary>Walks <paramref name="node"/> one <paramref name="step"/> below the path so far.</summary>
    private static TypeMismatch? Descend(Step step, JsonNode? node, StructuralSchema schema, string? owner, List<Step> path)
    {
        path.Add(step);
        var found = Walk(node, schema, owner, path, top: false);
        path.RemoveAt(path.Count - 1);
        return found;
    }

    /// <summary>The JSON field names from the root, dotted, without list indexes or map keys: metadata.labels.</summary>
    private static string FieldOf(List<Step> path)
    {
        var field = "";
        foreach (var step in path)
        {
            if (step.InField)
            {
                field = field.Length == 0 ? step.Key! : field + "." + step.Key;
            }
        }

        return field;
    }

    /// <summary>The place as server-side apply names it: .metadata.labels.a, .spec.containers[0].</summary>
    private static string SmdPathOf(List<Step> path)
    {
        var smdPath = "";
        foreach (var step in path)
        {
            smdPath += step.Key is { } key ? "." + key : "[" + step.Index.ToString(CultureInfo.InvariantCulture) + "]";
        }

        return smdPath;
    }

    private static bool Fits(JsonNode node, StructuralSchema schema)
    {
        if (schema.IntOrString)
        {
            return node.GetValueKind() is JsonValueKind.String or JsonValueKind.Number;
        }

        var kind = node.GetValueKind();
        return schema.Type switch
        {
            "string" => kind == JsonValueKind.String,
            "integer" => kind == JsonValueKind.Number && FitsInteger(node, schema.Format == "int32"),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "array" => kind == JsonValueKind.Array,
            "object" when schema.Properties.Count > 0 || schema.AdditionalProperties is not null => kind == JsonValueKind.Object,
            _ => true,
        };
    }

    private static bool FitsInteger(JsonNode node, bool int32) =>
        long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
        && (!int32 || value is >= int.MinValue and <= int.MaxValue);

    private static bool IsIntegral(JsonNode node) =>
        long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta → ObjectMeta.</summary>
    private static string StructName(string componentName) => componentName[(componentName.LastIndexOf('.') + 1)..];

    /// <summary>io.k8s.api.core.v1.ConfigMap → v1.ConfigMap (the Go package's last element and the type).</summary>
    private static string PackageQualified(string componentName)
    {
        var parts = componentName.Split('.');
        return parts.Length >= 2 ? parts[^2] + "." + parts[^1] : componentName;
    }
}
