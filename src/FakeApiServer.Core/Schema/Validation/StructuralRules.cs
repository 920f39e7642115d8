using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.Registry;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// The checks kube-apiserver makes on a CRD version's openAPIV3Schema before accepting it: the OpenAPI restrictions of
/// ValidateCustomResourceDefinitionOpenAPISchema (unsupported keywords, defaults in metadata, list and map types,
/// list-map keys, rules without text), then the structural schema invariants of ValidateStructural (a type
/// everywhere, metadata restrictions, no types or descriptions under allOf/anyOf/oneOf/not, ...), then defaults that
/// do not validate against their own schema. Messages and paths are upstream's, below <c>fieldPath</c>
/// (e.g. "spec.versions[0].schema.openAPIV3Schema").
/// </summary>
internal static class StructuralRules
{
    private static readonly string[] OpenApiTypes = ["array", "boolean", "integer", "number", "object", "string"];
    private static readonly string[] MetaFields = ["metadata", "kind", "apiVersion"];
    private static readonly string[] ForbiddenKeywords = ["id", "additionalItems", "patternProperties", "definitions", "dependencies", "$ref"];

    private enum Level
    {
        Root,
        Item,
        Field,
    }

    public static IReadOnlyList<FieldError> Validate(JsonNode openAPIV3Schema, string fieldPath)
    {
        ArgumentNullException.ThrowIfNull(openAPIV3Schema);
        ArgumentNullException.ThrowIfNull(fieldPath);
        var root = openAPIV3Schema as JsonObject ?? [];
        var errors = new List<FieldError>();
        ValidateOpenApi(root, fieldPath, new Context(AllowDefaults: true, null, InsideMeta: false), isRoot: true, errors);

        var structural = new List<FieldError>();
        Invariants(root, Level.Root, fieldPath, structural);
        errors.AddRange(structural.OrderBy(e => e.ToString(), StringComparer.Ordinal));

        if (errors.Count == 0)
        {
            Defaults(root, fieldPath, errors);
        }

        return errors;
    }

    private sealed record Context(bool AllowDefaults, string? DisallowReason, bool InsideMeta);

    private static void ValidateOpenApi(JsonObject s, string path, Context ctx, bool isRoot, List<FieldError> errors)
    {
        var type = Str(s, "type");
        if (type is { Length: > 0 } && !OpenApiTypes.Contains(type) && type != "null")
        {
            errors.Add(FieldError.NotSupported(path + ".type", type, OpenApiTypes));
        }

        if (s.ContainsKey("default") && !ctx.AllowDefaults)
        {
            errors.Add(FieldError.Forbidden(path + ".default", "must not be set" + (ctx.DisallowReason is { } r ? " " + r : "")));
        }

        foreach (var keyword in ForbiddenKeywords)
        {
            if (s.ContainsKey(keyword) && !(keyword == "id" && Str(s, "id") is null or ""))
            {
                errors.Add(FieldError.Forbidden(path + "." + keyword, keyword + " is not supported"));
            }
        }

        if (type == "null")
        {
            errors.Add(FieldError.Forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative"));
        }

        if (s["items"] is JsonArray)
        {
            errors.Add(FieldError.Forbidden(path + ".items", "items must be a schema object and not an array"));
        }

        if (ctx.InsideMeta && Bool(s, "x-kubernetes-embedded-resource"))
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta"));
        }

        if (Bool(s, "uniqueItems"))
        {
            errors.Add(FieldError.Forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }

        var properties = s["properties"] as JsonObject;
        if (s.TryGetPropertyValue("additionalProperties", out var additional) && additional is not null)
        {
            var allows = additional is not JsonValue av || !av.TryGetValue(out bool b) || b;
            if (properties is { Count: > 0 } && (!allows || additional is JsonObject))
            {
                errors.Add(FieldError.Forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
            }

            if (additional is JsonObject a)
            {
                var sub = ctx.InsideMeta ? ctx with { AllowDefaults = false, DisallowReason = "inside additionalProperties applying to object metadata" } : ctx;
                ValidateOpenApi(a, path + ".additionalProperties", sub, false, errors);
            }
        }

        foreach (var (name, value) in properties ?? [])
        {
            var sub = ctx;
            if ((isRoot || Bool(s, "x-kubernetes-embedded-resource")) && MetaFields.Contains(name))
            {
                sub = sub with { InsideMeta = true };
                if (isRoot)
                {
                    sub = sub with { AllowDefaults = false, DisallowReason = "in top-level " + name };
                }
            }

            ValidateOpenApi(value as JsonObject ?? [], path + ".properties[" + name + "]", sub, false, errors);
        }

        if (s["not"] is JsonObject not)
        {
            ValidateOpenApi(not, path + ".not", ctx, false, errors);
        }

        foreach (var junctor in (string[])["allOf", "oneOf", "anyOf"])
        {
            var i = 0;
            foreach (var item in s[junctor] as JsonArray ?? [])
            {
                ValidateOpenApi(item as JsonObject ?? [], path + "." + junctor + "[" + I(i++) + "]", ctx, false, errors);
            }
        }

        if (s["items"] is JsonObject items)
        {
            ValidateOpenApi(items, path + ".items", ctx, false, errors);
        }

        if (s["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue(out bool preserve) && !preserve)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-preserve-unknown-fields", false, "must be true or undefined"));
        }

        ValidateListAndMapTypes(s, type, path, errors);
        ValidateRules(s, path, errors);
    }

    private static void ValidateListAndMapTypes(JsonObject s, string? type, string path, List<FieldError> errors)
    {
        var mapType = Str(s, "x-kubernetes-map-type");
        if (mapType is not null && type != "object")
        {
            errors.Add(type is null or ""
                ? FieldError.Required(path + ".type", "must be object if x-kubernetes-map-type is specified")
                : FieldError.Invalid(path + ".type", type, "must be object if x-kubernetes-map-type is specified"));
        }

        if (mapType is not null and not MapTypes.Atomic and not MapTypes.Granular)
        {
            errors.Add(FieldError.NotSupported(path + ".x-kubernetes-map-type", mapType, [MapTypes.Atomic, MapTypes.Granular]));
        }

        var listType = Str(s, "x-kubernetes-list-type");
        var items = s["items"] as JsonObject;
        if (listType is not null && type != "array")
        {
            errors.Add(type is null or ""
                ? FieldError.Required(path + ".type", "must be array if x-kubernetes-list-type is specified")
                : FieldError.Invalid(path + ".type", type, "must be array if x-kubernetes-list-type is specified"));
        }
        else if (listType == ListTypes.Set && items is not null)
        {
            switch (Str(items, "type"))
            {
                case "array" when Str(items, "x-kubernetes-list-type") is { } inner && inner != ListTypes.Atomic:
                    errors.Add(FieldError.Invalid(path + ".items.x-kubernetes-list-type", inner, "must be atomic as item of a list with x-kubernetes-list-type=set"));
                    break;
                case "object" when Str(items, "x-kubernetes-map-type") != MapTypes.Atomic:
                    errors.Add(FieldError.Invalid(path + ".items.x-kubernetes-map-type", Str(items, "x-kubernetes-list-type"), "must be atomic as item of a list with x-kubernetes-list-type=set"));
                    break;
            }
        }

        if (listType is not null and not ListTypes.Atomic and not ListTypes.Set and not ListTypes.Map)
        {
            errors.Add(FieldError.NotSupported(path + ".x-kubernetes-list-type", listType, [ListTypes.Atomic, ListTypes.Set, ListTypes.Map]));
        }

        var keys = Strings(s, "x-kubernetes-list-map-keys");
        var keysNode = s["x-kubernetes-list-map-keys"]?.DeepClone();
        if (keys.Count > 0 && listType != ListTypes.Map)
        {
            errors.Add(listType is null
                ? FieldError.Required(path + ".x-kubernetes-list-type", "must be map if x-kubernetes-list-map-keys is non-empty")
                : FieldError.Invalid(path + ".x-kubernetes-list-type", listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
        }

        if (listType == ListTypes.Map)
        {
            if (keys.Count == 0)
            {
                errors.Add(FieldError.Required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
            }

            if (!s.ContainsKey("items"))
            {
                errors.Add(FieldError.Required(path + ".items", "must have a schema if x-kubernetes-list-type is map"));
            }

            if (items is not null && Str(items, "type") is var itemType && itemType != "object")
            {
                errors.Add(FieldError.Invalid(path + ".items.type", itemType ?? "", "must be object if parent array's x-kubernetes-list-type is map"));
            }

            if (items is not null && Str(items, "type") == "object")
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var itemProperties = items["properties"] as JsonObject;
                foreach (var k in keys)
                {
                    if (itemProperties?[k] is JsonObject keySchema)
                    {
                        if (Str(keySchema, "type") is "array" or "object")
                        {
                            errors.Add(FieldError.Invalid(path + ".items.properties[" + k + "].type", "object", "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                        }
                    }
                    else
                    {
                        errors.Add(FieldError.Invalid(path + ".x-kubernetes-list-map-keys", keysNode, "entries must all be names of item properties"));
                    }

                    if (!seen.Add(k))
                    {
                        errors.Add(FieldError.Invalid(path + ".x-kubernetes-list-map-keys", keysNode, "must not contain duplicate entries"));
                    }
                }
            }
        }

        // validateMapListKeysMapSet: items of sets and map lists are not nullable; map keys are required or defaulted.
        if (items is not null && listType is ListTypes.Set or ListTypes.Map)
        {
            if (Bool(items, "nullable"))
            {
                errors.Add(FieldError.Forbidden(path + ".items.nullable", "cannot be nullable when x-kubernetes-list-type is " + listType));
            }

            if (listType == ListTypes.Map)
            {
                var required = Strings(items, "required");
                foreach (var k in keys)
                {
                    if (items["properties"]?[k] is not JsonObject keySchema)
                    {
                        continue;
                    }

                    if (!required.Contains(k) && !keySchema.ContainsKey("default"))
                    {
                        errors.Add(FieldError.Required(path + ".items.properties[" + k + "].default", "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
                    }

                    if (Bool(keySchema, "nullable"))
                    {
                        errors.Add(FieldError.Forbidden(path + ".items.properties[" + k + "].nullable", "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
                    }
                }
            }
        }
    }

    private static void ValidateRules(JsonObject s, string path, List<FieldError> errors)
    {
        var i = 0;
        foreach (var node in s["x-kubernetes-validations"] as JsonArray ?? [])
        {
            var rulePath = path + ".x-kubernetes-validations[" + I(i++) + "]";
            var rule = node as JsonObject ?? [];
            var text = (Str(rule, "rule") ?? "").Trim();
            var message = Str(rule, "message") ?? "";
            if (text.Length == 0)
            {
                errors.Add(FieldError.Required(rulePath + ".rule", "rule is not specified"));
            }
            else if (message.Length > 0 && message.Trim().Length == 0)
            {
                errors.Add(FieldError.Invalid(rulePath + ".message", message, "message must be non-empty if specified"));
            }
            else if (message.Trim().AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                errors.Add(FieldError.Invalid(rulePath + ".message", message, "message must not contain line breaks"));
            }
            else if (text.AsSpan().IndexOfAny('\n', '\r') >= 0 && message.Trim().Length == 0)
            {
                errors.Add(FieldError.Required(rulePath + ".message", "message must be specified if rule contains line breaks"));
            }

            if (Str(rule, "reason") is { } reason && reason is not ("FieldValueInvalid" or "FieldValueForbidden" or "FieldValueRequired" or "FieldValueDuplicate"))
            {
                errors.Add(FieldError.NotSupported(rulePath + ".reason", reason, ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]));
            }
        }
    }

    private static void Invariants(JsonObject s, Level level, string path, List<FieldError> errors)
    {
        var type = Str(s, "type") ?? "";
        var embedded = Bool(s, "x-kubernetes-embedded-resource");
        var preserve = Bool(s, "x-kubernetes-preserve-unknown-fields");
        var intOrString = Bool(s, "x-kubernetes-int-or-string");

        if (type == "array" && s["items"] is null)
        {
            errors.Add(FieldError.Required(path + ".items", "must be specified"));
        }

        if (s["items"] is JsonObject items)
        {
            Invariants(items, Level.Item, path + ".items", errors);
        }

        foreach (var (name, value) in s["properties"] as JsonObject ?? [])
        {
            Invariants(value as JsonObject ?? [], Level.Field, path + ".properties[" + name + "]", errors);
        }

        if (s["additionalProperties"] is { } additional and not JsonValue)
        {
            if (level == Level.Root)
            {
                errors.Add(FieldError.Forbidden(path + ".additionalProperties", "must not be used at the root"));
            }

            if (additional is JsonObject a)
            {
                Invariants(a, Level.Field, path + ".additionalProperties", errors);
            }
        }
        else if (s["additionalProperties"] is JsonValue && level == Level.Root)
        {
            errors.Add(FieldError.Forbidden(path + ".additionalProperties", "must not be used at the root"));
        }

        if (intOrString && preserve)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-preserve-unknown-fields", true, "must be false if x-kubernetes-int-or-string is true"));
        }

        if (intOrString && embedded)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-embedded-resource", true, "must be false if x-kubernetes-int-or-string is true"));
        }

        var skipAnyOf = IsIntOrStringAnyOf(s["anyOf"]);
        var skipFirstAllOfAnyOf = s["allOf"] is JsonArray { Count: > 0 } allOf && allOf[0] is JsonObject first && IsIntOrStringAnyOf(first["anyOf"]);
        ValueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path, errors);

        var checkMetadata = level == Level.Root || embedded;
        if (embedded && type != "object")
        {
            errors.Add(type.Length == 0
                ? FieldError.Required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                : FieldError.Invalid(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (type.Length == 0 && !intOrString && !preserve)
        {
            errors.Add(FieldError.Required(path + ".type", level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }

        if (embedded && s["additionalProperties"] is not null)
        {
            errors.Add(FieldError.Forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
        }

        if (level == Level.Root && type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(path + ".type", type, "must be object at the root"));
        }

        var properties = s["properties"] as JsonObject;
        if (checkMetadata && properties?["kind"] is JsonObject kind && (Str(kind, "type") ?? "") != "string")
        {
            errors.Add(FieldError.Invalid(path + ".properties[kind].type", Str(kind, "type") ?? "", "must be string"));
        }

        if (checkMetadata && properties?["apiVersion"] is JsonObject apiVersion && (Str(apiVersion, "type") ?? "") != "string")
        {
            errors.Add(FieldError.Invalid(path + ".properties[apiVersion].type", Str(apiVersion, "type") ?? "", "must be string"));
        }

        if (checkMetadata && properties?["metadata"] is JsonObject metadata)
        {
            if ((Str(metadata, "type") ?? "") != "object")
            {
                errors.Add(FieldError.Invalid(path + ".properties[metadata].type", Str(metadata, "type") ?? "", "must be object"));
            }

            if (level == Level.Root && !OnlyNameAndGenerateName(metadata))
            {
                errors.Add(FieldError.Forbidden(path + ".properties[metadata]", "must not specify anything other than name and generateName, but metadata is implicitly specified"));
            }
        }

        if (embedded && !preserve && properties is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(path + ".properties", "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    private static bool OnlyNameAndGenerateName(JsonObject metadata)
    {
        foreach (var (key, value) in metadata)
        {
            switch (key)
            {
                case "type" or "default":
                    continue;
                case "properties" when value is JsonObject props:
                    var names = props.Select(p => p.Key).ToList();
                    if (names.Count == 0 || names.All(n => n is "name" or "generateName"))
                    {
                        continue;
                    }

                    return false;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool IsIntOrStringAnyOf(JsonNode? anyOf) =>
        anyOf is JsonArray { Count: 2 } a
        && a[0] is JsonObject x && x.Count == 1 && Str(x, "type") == "integer"
        && a[1] is JsonObject y && y.Count == 1 && Str(y, "type") == "string";

    private static void ValueValidation(JsonObject s, bool skipAnyOf, bool skipFirstAllOfAnyOf, string path, List<FieldError> errors)
    {
        if (!skipAnyOf)
        {
            Nested(s["anyOf"], "anyOf", path, errors, _ => false);
        }

        Nested(s["allOf"], "allOf", path, errors, i => skipFirstAllOfAnyOf && i == 0);
        Nested(s["oneOf"], "oneOf", path, errors, _ => false);
        if (s["not"] is JsonObject not)
        {
            NestedValueValidation(not, false, path + ".not", errors);
        }

        if (Str(s, "pattern") is { Length: > 0 } pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                errors.Add(FieldError.Invalid(path + ".pattern", pattern, "must be a valid regular expression, but isn't: " + e.Message));
            }
        }
    }

    private static void Nested(JsonNode? list, string junctor, string path, List<FieldError> errors, Func<int, bool> skipAnyOf)
    {
        var i = 0;
        foreach (var item in list as JsonArray ?? [])
        {
            NestedValueValidation(item as JsonObject ?? [], skipAnyOf(i), path + "." + junctor + "[" + I(i) + "]", errors);
            i++;
        }
    }

    private static void NestedValueValidation(JsonObject v, bool skipAnyOf, string path, List<FieldError> errors)
    {
        ValueValidation(v, skipAnyOf, false, path, errors);
        if (v["items"] is JsonObject items)
        {
            NestedValueValidation(items, false, path + ".items", errors);
        }

        foreach (var (name, value) in v["properties"] as JsonObject ?? [])
        {
            NestedValueValidation(value as JsonObject ?? [], false, path + ".properties[" + name + "]", errors);
        }

        if (Str(v, "type") is { Length: > 0 })
        {
            errors.Add(FieldError.Forbidden(path + ".type", "must be empty to be structural"));
        }

        if (v["additionalProperties"] is not null)
        {
            errors.Add(FieldError.Forbidden(path + ".additionalProperties", "must be undefined to be structural"));
        }

        if (v["default"] is not null)
        {
            errors.Add(FieldError.Forbidden(path + ".default", "must be undefined to be structural"));
        }

        if (Str(v, "title") is { Length: > 0 })
        {
            errors.Add(FieldError.Forbidden(path + ".title", "must be empty to be structural"));
        }

        if (Str(v, "description") is { Length: > 0 })
        {
            errors.Add(FieldError.Forbidden(path + ".description", "must be empty to be structural"));
        }

        if (Bool(v, "nullable"))
        {
            errors.Add(FieldError.Forbidden(path + ".nullable", "must be false to be structural"));
        }

        if (Bool(v, "x-kubernetes-preserve-unknown-fields"))
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-preserve-unknown-fields", "must be false to be structural"));
        }

        if (Bool(v, "x-kubernetes-embedded-resource"))
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-embedded-resource", "must be false to be structural"));
        }

        if (Bool(v, "x-kubernetes-int-or-string"))
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-int-or-string", "must be false to be structural"));
        }

        if (Strings(v, "x-kubernetes-list-map-keys").Count > 0)
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-list-map-keys", "must be empty to be structural"));
        }

        if (v.ContainsKey("x-kubernetes-list-type"))
        {
            errors.Add(FieldError.Forbidden(path + ".x-kubernetes-list-type", "must be undefined to be structural"));
        }

        if (v["properties"] is JsonObject props && props.ContainsKey("metadata"))
        {
            errors.Add(FieldError.Forbidden(path + ".properties[metadata]", "must not be specified in a nested context"));
        }
    }

    /// <summary>Every default must validate against the schema it sits in (upstream's structural defaults validation).</summary>
    private static void Defaults(JsonObject s, string path, List<FieldError> errors)
    {
        if (s.TryGetPropertyValue("default", out var value) && value is not null)
        {
            var validator = new SchemaValueValidator(path + ".default");
            validator.Validate(value, CrdSchema.Parse(s), "");
            errors.AddRange(validator.Errors);
        }

        if (s["items"] is JsonObject items)
        {
            Defaults(items, path + ".items", errors);
        }

        if (s["additionalProperties"] is JsonObject additional)
        {
            Defaults(additional, path + ".additionalProperties", errors);
        }

        foreach (var (name, property) in s["properties"] as JsonObject ?? [])
        {
            if (property is JsonObject p)
            {
                Defaults(p, path + ".properties[" + name + "]", errors);
            }
        }
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out bool b) && b;

    private static List<string> Strings(JsonObject o, string key) =>
        o[key] is JsonArray a ? [.. a.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>()] : [];

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
