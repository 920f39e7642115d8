using System.Text.Json.Nodes;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Tests.Schema.Validation;

public sealed class StructuralRulesTests
{
    private const string Root = "spec.validation.openAPIV3Schema";

    private static IReadOnlyList<string> Errors(string schema) =>
        [.. StructuralRules.Validate(JsonNode.Parse(schema)!, Root).Select(e => e.ToString())];

    private static string Spec(string specSchema) => $$$"""{"type": "object", "properties": {"spec": {{{specSchema}}}}}""";

    [Fact]
    public void A_valid_structural_schema_has_no_errors() =>
        Assert.Empty(Errors("""
            {"type": "object", "properties": {
              "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}},
              "spec": {"type": "object", "required": ["size"], "properties": {
                "size": {"type": "integer", "minimum": 1, "default": 1},
                "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                  "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}},
                "x-kubernetes-validations": [{"rule": "self.size > 0"}]}}}
            """));

    [Theory]
    [InlineData("""{"type": "object", "properties": {"spec": {}}}""", "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields")]
    [InlineData("""{"properties": {"spec": {"type": "object"}}}""", "spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root")]
    [InlineData("""{"type": "string"}""", "spec.validation.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array"}}}""", "spec.validation.openAPIV3Schema.properties[spec].items: Required value: must be specified")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "items": {}}}}""", "spec.validation.openAPIV3Schema.properties[spec].items.type: Required value: must not be empty for specified array items")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "string"}}}}""", "spec.validation.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive")]
    [InlineData("""{"type": "object", "additionalProperties": {"type": "string"}}""", "spec.validation.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root")]
    [InlineData("""{"type": "object", "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}}""", "spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")]
    [InlineData("""{"type": "object", "properties": {"kind": {"type": "integer"}}}""", "spec.validation.openAPIV3Schema.properties[kind].type: Invalid value: \"integer\": must be string")]
    [InlineData("""{"type": "object", "properties": {"spec": {"$ref": "#/definitions/x", "type": "object"}}}""", "spec.validation.openAPIV3Schema.properties[spec].$ref: Forbidden: $ref is not supported")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "uniqueItems": true, "items": {"type": "string"}}}}""", "spec.validation.openAPIV3Schema.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": false}}}""", "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "object", "anyOf": [{"type": "object"}]}}}""", "spec.validation.openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-embedded-resource": true}}}""", "spec.validation.openAPIV3Schema.properties[spec].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields")]
    [InlineData("""{"type": "object", "properties": {"metadata": {"type": "object", "default": {}}}}""", "spec.validation.openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "string", "x-kubernetes-list-type": "set"}}}""", "spec.validation.openAPIV3Schema.properties[spec].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "x-kubernetes-list-map-keys": ["a"], "items": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}}}}""", "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object"}}}}""", "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"], "items": {"type": "object", "properties": {"a": {"type": "string"}}}}}}""", "spec.validation.openAPIV3Schema.properties[spec].items.properties[a].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["b"], "items": {"type": "object", "properties": {"a": {"type": "string"}}}}}}""", "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-list-map-keys: Invalid value: [\"b\"]: entries must all be names of item properties")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a"], "items": {"type": "object", "required": ["a"], "properties": {"a": {"type": "object"}}}}}}""", "spec.validation.openAPIV3Schema.properties[spec].items.properties[a].type: Invalid value: \"object\": must be a scalar type if parent array's x-kubernetes-list-type is map")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": [{"rule": " "}]}}}""", "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified")]
    [InlineData("""{"type": "object", "properties": {"spec": {"type": "integer", "default": "one"}}}""", "spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: \"string\":  in body must be of type integer: \"string\"")]
    public void Non_structural_schemas_are_rejected_with_upstream_paths_and_messages(string schema, string expected) =>
        Assert.Contains(expected, Errors(schema));

    [Fact]
    public void Int_or_string_may_use_the_anyOf_pattern_with_types() =>
        Assert.Empty(Errors(Spec("""{"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]}""")));
}
