using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// One node of a CustomResourceDefinition version's openAPIV3Schema (apiextensions/v1 JSONSchemaProps): every
/// keyword a structural schema may use, the value validations, and the x-kubernetes-* extensions, including the
/// x-kubernetes-validations CEL rules. <see cref="StructuralSchema"/> keeps only what pruning, patching, apply and
/// the OpenAPI documents need; this model keeps what validation and defaulting need.
/// </summary>
/// <remarks>
/// Immutable once parsed. Keywords a structural schema forbids ($ref, patternProperties, ...) are not modelled:
/// <see cref="StructuralRules"/> reports them from the raw JSON. Numbers keep their JSON spelling's value as
/// double; lengths and counts are longs, as in the Go types.
/// </remarks>
internal sealed partial record CrdSchema
{
    public string? Type { get; init; }

    public string? Format { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>Object properties in declaration order.</summary>
    public IReadOnlyDictionary<string, CrdSchema> Properties { get; init; } = new OrderedDictionary<string, CrdSchema>();

    public CrdSchema? Items { get; init; }

    /// <summary>The schema of map values (additionalProperties given as a schema, or true as "anything").</summary>
    public CrdSchema? AdditionalProperties { get; init; }

    /// <summary>additionalProperties: false.</summary>
    public bool AdditionalPropertiesForbidden { get; init; }

    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary>The default value, or null when there is none (a JSON null default is <see cref="HasDefault"/> with a null value).</summary>
    public JsonNode? Default { get; init; }

    public bool HasDefault { get; init; }

    /// <summary>The allowed values (JSON null is a null entry); empty when any value is allowed.</summary>
    public IReadOnlyList<JsonNode?> Enum { get; init; } = [];

    public bool Nullable { get; init; }

    public double? Maximum { get; init; }

    public bool ExclusiveMaximum { get; init; }

    public double? Minimum { get; init; }

    public bool ExclusiveMinimum { get; init; }

    public double? MultipleOf { get; init; }

    public long? MaxLength { get; init; }

    public long? MinLength { get; init; }

    public string? Pattern { get; init; }

    public long? MaxItems { get; init; }

    public long? MinItems { get; init; }

    public bool UniqueItems { get; init; }

    public long? MaxProperties { get; init; }

    public long? MinProperties { get; init; }

    public IReadOnlyList<CrdSchema> AllOf { get; init; } = [];

    public IReadOnlyList<CrdSchema> AnyOf { get; init; } = [];

    public IReadOnlyList<CrdSchema> OneOf { get; init; } = [];

    public CrdSchema? Not { get; init; }

    /// <summary>x-kubernetes-preserve-unknown-fields (null when unset).</summary>
    public bool? PreserveUnknownFields { get; init; }

    /// <summary>x-kubernetes-embedded-resource.</summary>
    public bool EmbeddedResource { get; init; }

    /// <summary>x-kubernetes-int-or-string.</summary>
    public bool IntOrString { get; init; }

    /// <summary>x-kubernetes-list-type: atomic, set or map.</summary>
    public string? ListType { get; init; }

    /// <summary>x-kubernetes-list-map-keys.</summary>
    public IReadOnlyList<string> ListMapKeys { get; init; } = [];

    /// <summary>x-kubernetes-map-type: atomic or granular.</summary>
    public string? MapType { get; init; }

    /// <summary>x-kubernetes-validations.</summary>
    public IReadOnlyList<ValidationRule> Validations { get; init; } = [];

    /// <summary>The schema of a property, or null.</summary>
    public CrdSchema? Property(string name) => Properties.TryGetValue(name, out var p) ? p : null;

    /// <summary>Whether unknown fields are kept at this node.</summary>
    public bool KeepsUnknownFields => PreserveUnknownFields == true;

    /// <summary>Reads an openAPIV3Schema (as JSON) into the model. Malformed keyword values are ignored, not thrown.</summary>
    public static CrdSchema Parse(JsonNode openAPIV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openAPIV3Schema);
        return Parse(openAPIV3Schema as JsonObject ?? []);
    }

    private static CrdSchema Parse(JsonObject o)
    {
        var properties = new OrderedDictionary<string, CrdSchema>(StringComparer.Ordinal);
        if (o["properties"] is JsonObject props)
        {
            foreach (var (name, value) in props)
            {
                properties[name] = Parse(value as JsonObject ?? []);
            }
        }

        var additional = o["additionalProperties"];
        return new CrdSchema
        {
            Type = String(o, "type"),
            Format = String(o, "format"),
            Title = String(o, "title"),
            Description = String(o, "description"),
            Properties = properties,
            Items = o["items"] is JsonObject items ? Parse(items) : null,
            AdditionalProperties = additional switch
            {
                JsonObject schema => Parse(schema),
                JsonValue v when v.TryGetValue(out bool allows) && allows => new CrdSchema { PreserveUnknownFields = true },
                _ => null,
            },
            AdditionalPropertiesForbidden = additional is JsonValue f && f.TryGetValue(out bool a) && !a,
            Required = Strings(o, "required"),
            Default = o.TryGetPropertyValue("default", out var d) ? d?.DeepClone() : null,
            HasDefault = o.ContainsKey("default"),
            Enum = o["enum"] is JsonArray e ? [.. e.Select(x => x?.DeepClone())] : [],
            Nullable = Bool(o, "nullable"),
            Maximum = Number(o, "maximum"),
            ExclusiveMaximum = Bool(o, "exclusiveMaximum"),
            Minimum = Number(o, "minimum"),
            ExclusiveMinimum = Bool(o, "exclusiveMinimum"),
            MultipleOf = Number(o, "multipleOf"),
            MaxLength = Long(o, "maxLength"),
            MinLength = Long(o, "minLength"),
            Pattern = String(o, "pattern"),
            MaxItems = Long(o, "maxItems"),
            MinItems = Long(o, "minItems"),
            UniqueItems = Bool(o, "uniqueItems"),
            MaxProperties = Long(o, "maxProperties"),
            MinProperties = Long(o, "minProperties"),
            AllOf = Schemas(o, "allOf"),
            AnyOf = Schemas(o, "anyOf"),
            OneOf = Schemas(o, "oneOf"),
            Not = o["not"] is JsonObject not ? Parse(not) : null,
            PreserveUnknownFields = o["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue(out bool keep) ? keep : null,
            EmbeddedResource = Bool(o, "x-kubernetes-embedded-resource"),
            IntOrString = Bool(o, "x-kubernetes-int-or-string"),
            ListType = String(o, "x-kubernetes-list-type"),
            ListMapKeys = Strings(o, "x-kubernetes-list-map-keys"),
            MapType = String(o, "x-kubernetes-map-type"),
            Validations = o["x-kubernetes-validations"] is JsonArray rules
                ? [.. rules.OfType<JsonObject>().Select(r => new ValidationRule
                {
                    Rule = String(r, "rule") ?? "",
                    Message = String(r, "message"),
                    MessageExpression = String(r, "messageExpression"),
                    Reason = String(r, "reason"),
                    FieldPath = String(r, "fieldPath"),
                    OptionalOldSelf = Bool(r, "optionalOldSelf"),
                })]
                : [],
        };
    }

    private static string? String(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static bool Bool(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static double? Number(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    private static long? Long(JsonObject o, string key) =>
        Number(o, key) is { } d ? (long)d : null;

    private static IReadOnlyList<string> Strings(JsonObject o, string key) =>
        o[key] is JsonArray a ? [.. a.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>()] : [];

    private static IReadOnlyList<CrdSchema> Schemas(JsonObject o, string key) =>
        o[key] is JsonArray a ? [.. a.Select(x => Parse(x as JsonObject ?? []))] : [];
}
