using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// Validation of a custom resource against its CRD version's schema, in the order of the custom resource strategy
/// upstream: OpenAPI value validation (<see cref="SchemaValueValidator"/>), list-type set/map uniqueness
/// (<see cref="ListMapKeys"/>), then apiVersion/kind/metadata of embedded resources (<see cref="EmbeddedResources"/>).
/// The root metadata is the registry's (ObjectMetaValidation); CEL rules are <see cref="Cel.CelRules"/>.
/// Run it after pruning and defaulting. Pure: never mutates the objects.
/// </summary>
internal static class ObjectValidator
{
    public static IReadOnlyList<FieldError> Validate(JsonObject obj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var values = new SchemaValueValidator();
        values.Validate(obj, WithoutRootMetadata(schema), "");
        return [.. values.Errors, .. ListMapKeys.Validate(obj, schema), .. EmbeddedResources.Validate(obj, schema)];
    }

    /// <summary>
    /// Validation on update with ratcheting (CRDValidationRatcheting): a value that equals its correlated old value
    /// is not re-validated against the OpenAPI schema, so objects stored before a schema tightened stay updatable.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(newObj);
        ArgumentNullException.ThrowIfNull(oldObj);
        ArgumentNullException.ThrowIfNull(schema);
        var values = new SchemaValueValidator();
        values.Validate(newObj, WithoutRootMetadata(schema), "", oldObj, hasOld: true);
        return [.. values.Errors, .. ListMapKeys.Validate(newObj, schema), .. EmbeddedResources.Validate(newObj, schema)];
    }

    /// <summary>
    /// The root metadata is validated as ObjectMeta by the registry; the schema may only restrict name and
    /// generateName there (StructuralRules), and those restrictions still apply.
    /// </summary>
    private static CrdSchema WithoutRootMetadata(CrdSchema schema)
    {
        if (schema.Property("metadata") is not { } metadata)
        {
            return schema;
        }

        var properties = new OrderedDictionary<string, CrdSchema>(StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties)
        {
            properties[name] = name == "metadata"
                ? new CrdSchema
                {
                    Type = metadata.Type,
                    Properties = new OrderedDictionary<string, CrdSchema>(
                        metadata.Properties.Where(p => p.Key is "name" or "generateName"),
                        StringComparer.Ordinal),
                }
                : property;
        }

        return schema with { Properties = properties };
    }
}
