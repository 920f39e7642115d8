using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FakeApiServer.Schema;

/// <summary>
/// One node of a kind's structural schema (DESIGN.md "Object representation"): the OpenAPI v3 subset that
/// Kubernetes calls structural, plus the x-kubernetes-* extensions that drive pruning, field validation,
/// strategic merge patch, server-side apply, defaulting and the OpenAPI documents.
/// </summary>
/// <remarks>
/// Immutable once built; derive variants with <c>with</c>. Equality is by reference, because schemas are graphs
/// that may be recursive through <see cref="Properties"/> (see <see cref="SchemaProperties.Deferred"/>).
/// A node with a <see cref="ComponentName"/> is a named type (e.g. io.k8s.api.core.v1.Container): the OpenAPI
/// writer emits it once under components and refers to it with $ref. Several nodes may share one component name
/// when they differ only in the property-level fields (<see cref="Description"/>, <see cref="Default"/>,
/// <see cref="PatchStrategy"/>, <see cref="PatchMergeKey"/>, <see cref="Nullable"/>), as
/// <c>container with { Description = "..." }</c> does for each property that uses the type.
/// Semantics that an absent value implies: a list without <see cref="ListType"/> is atomic, a map without
/// <see cref="MapType"/> is granular, a list without a patch strategy is replaced by strategic merge patch.
/// </remarks>
internal sealed record StructuralSchema
{
    /// <summary>object, array, string, integer, number, boolean; null for int-or-string or "anything" nodes.</summary>
    public string? Type { get; init; }

    /// <summary>int32, int64, double, byte, date-time, int-or-string, ...</summary>
    public string? Format { get; init; }

    /// <summary>What this field means, as kubectl explain prints it (property-level for named types).</summary>
    public string? Description { get; init; }

    /// <summary>The description of the named type itself, for its component; falls back to <see cref="Description"/>.</summary>
    public string? TypeDescription { get; init; }

    /// <summary>Object properties, enumerated in declaration order.</summary>
    public IReadOnlyDictionary<string, StructuralSchema> Properties { get; init; } = SchemaProperties.Empty;

    /// <summary>The element schema of an array.</summary>
    public StructuralSchema? Items { get; init; }

    /// <summary>The value schema of a map (an object with arbitrary keys).</summary>
    public StructuralSchema? AdditionalProperties { get; init; }

    /// <summary>Property names that must be present.</summary>
    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary>The value the server sets when the field is absent (also the value of a missing list-map key field).</summary>
    public JsonElement? Default { get; init; }

    /// <summary>The allowed values, or empty when any value of the type is allowed.</summary>
    public IReadOnlyList<JsonElement> Enum { get; init; } = [];

    public bool Nullable { get; init; }

    /// <summary>x-kubernetes-list-type: <see cref="ListTypes"/> (atomic, set, map); null means atomic.</summary>
    public string? ListType { get; init; }

    /// <summary>x-kubernetes-list-map-keys: the fields that identify an element of a <c>map</c> list.</summary>
    public IReadOnlyList<string> ListMapKeys { get; init; } = [];

    /// <summary>x-kubernetes-map-type: <see cref="MapTypes"/> (atomic, granular), for maps and structs; null means granular.</summary>
    public string? MapType { get; init; }

    /// <summary>x-kubernetes-patch-merge-key: the field strategic merge patch matches list elements by.</summary>
    public string? PatchMergeKey { get; init; }

    /// <summary>x-kubernetes-patch-strategy: <see cref="PatchStrategies"/> (merge, retainKeys, "merge,retainKeys", replace).</summary>
    public string? PatchStrategy { get; init; }

    /// <summary>x-kubernetes-int-or-string: the value is an integer or a string (Type is then null).</summary>
    public bool IntOrString { get; init; }

    /// <summary>x-kubernetes-preserve-unknown-fields: fields not in <see cref="Properties"/> are kept, not pruned.</summary>
    public bool PreserveUnknownFields { get; init; }

    /// <summary>x-kubernetes-embedded-resource: the value is a whole object with apiVersion, kind and metadata.</summary>
    public bool EmbeddedResource { get; init; }

    /// <summary>The OpenAPI component name of a named type, e.g. io.k8s.api.core.v1.Container; null for inline schemas.</summary>
    public string? ComponentName { get; init; }

    /// <summary>Strategic merge patch merges this list by <see cref="PatchMergeKey"/> (strategy contains "merge").</summary>
    public bool PatchMerges => PatchStrategies.Contains(PatchStrategy, PatchStrategies.Merge);

    /// <summary>Strategic merge patch honours $retainKeys on this field (strategy contains "retainKeys").</summary>
    public bool PatchRetainsKeys => PatchStrategies.Contains(PatchStrategy, PatchStrategies.RetainKeys);

    /// <summary>The schema of a property, or null when the object does not declare it.</summary>
    public StructuralSchema? Property(string name) => Properties.TryGetValue(name, out var p) ? p : null;

    /// <summary>
    /// Walks a dotted field path; a "[]" suffix steps into array items and "{}" into map values:
    /// <c>pod.Path("spec.containers[].ports")</c>, <c>configMap.Path("data{}")</c>. Null when a step is missing.
    /// </summary>
    public StructuralSchema? Path(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        StructuralSchema? current = this;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var suffixes = 0;
            while (name.EndsWith("[]", StringComparison.Ordinal) || name.EndsWith("{}", StringComparison.Ordinal))
            {
                name = name[..^2];
                suffixes++;
            }

            current = name.Length == 0 ? current : current?.Property(name);
            var rest = segment[name.Length..];
            for (var i = 0; i < suffixes && current is not null; i++)
            {
                current = rest.Substring(i * 2, 2) == "[]" ? current.Items : current.AdditionalProperties;
            }

            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    public bool Equals(StructuralSchema? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    /// <summary>A one-line summary; the graph may be large or recursive, so children are not printed.</summary>
    public override string ToString() =>
        ComponentName ?? Type switch
        {
            "array" => "array of " + (Items?.ToString() ?? "any"),
            "object" when AdditionalProperties is not null => "map of " + AdditionalProperties,
            null when IntOrString => "int-or-string",
            null => "any",
            _ => Format is null ? Type : Type + " (" + Format + ")",
        };

    // Construction helpers, so hand-built schemas in tests and in other providers read like the OpenAPI they stand for:
    // StructuralSchema.Object(("name", StructuralSchema.String()), ("ports", StructuralSchema.ArrayOf(port) with { ListType = ListTypes.Map }))

    public static StructuralSchema String(string? format = null) => new() { Type = "string", Format = format };

    public static StructuralSchema Integer(string? format = "int32") => new() { Type = "integer", Format = format };

    public static StructuralSchema Number(string? format = "double") => new() { Type = "number", Format = format };

    public static StructuralSchema Boolean() => new() { Type = "boolean" };

    /// <summary>An object with the given properties in this order.</summary>
    public static StructuralSchema Object(params (string Name, StructuralSchema Schema)[] properties) =>
        new() { Type = "object", Properties = SchemaProperties.Of(properties) };

    public static StructuralSchema ArrayOf(StructuralSchema items) => new() { Type = "array", Items = items };

    /// <summary>An object with arbitrary keys whose values follow <paramref name="values"/> (map[string]T).</summary>
    public static StructuralSchema MapOf(StructuralSchema values) => new() { Type = "object", AdditionalProperties = values };

    /// <summary>An int-or-string value (intstr.IntOrString, resource.Quantity).</summary>
    public static StructuralSchema IntOrStringValue() => new() { IntOrString = true, Format = "int-or-string" };

    /// <summary>An object whose content is kept as sent (runtime.RawExtension, FieldsV1, arbitrary JSON).</summary>
    public static StructuralSchema Unknown() => new() { Type = "object", PreserveUnknownFields = true };

    /// <summary>A JSON value for <see cref="Default"/> or <see cref="Enum"/>: <c>StructuralSchema.Json("\"TCP\"")</c>.</summary>
    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}

/// <summary>Values of x-kubernetes-list-type.</summary>
internal static class ListTypes
{
    /// <summary>The list is replaced whole (the default).</summary>
    public const string Atomic = "atomic";

    /// <summary>A list of unique scalars, merged as a set.</summary>
    public const string Set = "set";

    /// <summary>A list of objects identified by x-kubernetes-list-map-keys, merged per element.</summary>
    public const string Map = "map";
}

/// <summary>Values of x-kubernetes-map-type.</summary>
internal static class MapTypes
{
    /// <summary>The map or struct is replaced whole.</summary>
    public const string Atomic = "atomic";

    /// <summary>Each key is owned and merged separately (the default).</summary>
    public const string Granular = "granular";
}

/// <summary>Values of x-kubernetes-patch-strategy (the Go patchStrategy struct tag).</summary>
internal static class PatchStrategies
{
    public const string Merge = "merge";

    public const string RetainKeys = "retainKeys";

    public const string MergeRetainKeys = "merge,retainKeys";

    public const string Replace = "replace";

    /// <summary>Whether a comma-separated strategy contains <paramref name="strategy"/>.</summary>
    public static bool Contains(string? strategies, string strategy) =>
        strategies is not null && strategies.Split(',').Any(s => s.Trim() == strategy);
}
