using System.Text.Json.Nodes;
using FakeApiServer.Schema.Cel;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The one place the custom resource registry calls the schema engine (Schema/Validation, Schema/Cel): validation
/// of an object against its version's openAPIV3Schema (<see cref="ObjectValidator"/>), x-kubernetes-validations
/// (<see cref="CelRules"/>), defaulting (<see cref="Defaulter"/>) and the CRD's own schema checks
/// (<see cref="StructuralRules"/>), in the order upstream's custom resource strategy runs them.
/// </summary>
internal static class CustomResourceSchemaEngine
{
    /// <summary>The field errors of a new custom resource: value validations, then failed CEL rules.</summary>
    public static IReadOnlyList<FieldError> Validate(CrdSchema schema, JsonObject obj) =>
        [.. ObjectValidator.Validate(obj, schema), .. CelRules.Evaluate(obj, null, schema).Errors];

    /// <summary>The field errors of an update (ratcheting, and transition rules that see the old object).</summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(CrdSchema schema, JsonObject newObj, JsonObject oldObj) =>
        [.. ObjectValidator.ValidateUpdate(newObj, oldObj, schema), .. CelRules.Evaluate(newObj, oldObj, schema).Errors];

    /// <summary>Sets the schema's defaults on absent fields of <paramref name="obj"/>.</summary>
    public static void Default(CrdSchema schema, JsonObject obj) => Defaulter.Apply(obj, schema);

    /// <summary>The warnings of a write: CEL rules this server could not evaluate, and ratcheted failures.</summary>
    public static IReadOnlyList<string> Warnings(CrdSchema schema, JsonObject newObj, JsonObject? oldObj) =>
        CelRules.Evaluate(newObj, oldObj, schema).Warnings;

    /// <summary>The errors of one CRD version's openAPIV3Schema (OpenAPI restrictions, structural rules), under <paramref name="fieldPath"/>.</summary>
    public static IReadOnlyList<FieldError> StructuralErrors(JsonObject openApiV3Schema, string fieldPath) =>
        StructuralRules.Validate(openApiV3Schema, fieldPath);

    /// <summary>The warnings of a CRD version's schema: rules this server cannot parse, at their schema path.</summary>
    public static IReadOnlyList<string> RuleWarnings(JsonObject openApiV3Schema, string fieldPath) =>
        CelRules.Check(CrdSchema.Parse(openApiV3Schema), fieldPath);
}
