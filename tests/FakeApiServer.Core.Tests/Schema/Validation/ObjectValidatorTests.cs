using System.Text.Json.Nodes;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Tests.Schema.Validation;

public sealed class ObjectValidatorTests
{
    private static CrdSchema SpecSchema(string specProperties, string specExtra = "") => CrdSchema.Parse(JsonNode.Parse($$$"""
        {
          "type": "object",
          "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {"type": "object", {{{specExtra}}} "properties": {{{{specProperties}}}}}
          }
        }
        """)!);

    private static IReadOnlyList<string> Errors(CrdSchema schema, string spec) =>
        [.. ObjectValidator.Validate(Resource(spec), schema).Select(e => e.ToString())];

    private static JsonObject Resource(string spec) =>
        (JsonObject)JsonNode.Parse($$"""{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {{spec}}}""")!;

    [Theory]
    [InlineData("""{"type": "integer"}""", "\"three\"", "spec.x: Invalid value: \"string\": spec.x in body must be of type integer: \"string\"")]
    [InlineData("""{"type": "integer"}""", "1.5", "spec.x: Invalid value: \"number\": spec.x in body must be of type integer: \"number\"")]
    [InlineData("""{"type": "string"}""", "true", "spec.x: Invalid value: \"boolean\": spec.x in body must be of type string: \"boolean\"")]
    [InlineData("""{"type": "object"}""", "[]", "spec.x: Invalid value: \"array\": spec.x in body must be of type object: \"array\"")]
    [InlineData("""{"type": "string"}""", "null", "spec.x: Invalid value: \"null\": spec.x in body must be of type string: \"null\"")]
    [InlineData("""{"x-kubernetes-int-or-string": true}""", "true", "spec.x: Invalid value: \"boolean\": spec.x in body must be of type integer,string: \"boolean\"")]
    public void Values_of_the_wrong_type_are_rejected_with_upstream_messages(string property, string value, string expected) =>
        Assert.Equal([expected], Errors(SpecSchema($"\"x\": {property}"), $$"""{"x": {{value}}}"""));

    [Theory]
    [InlineData("""{"type": "integer"}""", "3")]
    [InlineData("""{"type": "integer"}""", "3.0")]
    [InlineData("""{"type": "number"}""", "3")]
    [InlineData("""{"type": "string", "nullable": true}""", "null")]
    [InlineData("""{"x-kubernetes-int-or-string": true}""", "\"50%\"")]
    [InlineData("""{"x-kubernetes-int-or-string": true}""", "8080")]
    [InlineData("""{"x-kubernetes-preserve-unknown-fields": true}""", "{\"any\": [1, \"two\"]}")]
    public void Values_of_the_right_type_pass(string property, string value) =>
        Assert.Empty(Errors(SpecSchema($"\"x\": {property}"), $$"""{"x": {{value}}}"""));

    [Fact]
    public void The_brief_example_of_a_string_replicas_reads_as_upstream()
    {
        var errors = Errors(SpecSchema("\"replicas\": {\"type\": \"integer\"}"), """{"replicas": "string"}""");
        Assert.Equal(["spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""], errors);
    }

    [Theory]
    [InlineData("date-time", "yesterday", "spec.x: Invalid value: \"yesterday\": spec.x in body must be of type date-time: \"yesterday\"")]
    [InlineData("uuid", "not-a-uuid", "spec.x: Invalid value: \"not-a-uuid\": spec.x in body must be of type uuid: \"not-a-uuid\"")]
    [InlineData("byte", "%%%", "spec.x: Invalid value: \"%%%\": spec.x in body must be of type byte: \"%%%\"")]
    [InlineData("ipv4", "1.2.3", "spec.x: Invalid value: \"1.2.3\": spec.x in body must be of type ipv4: \"1.2.3\"")]
    [InlineData("date", "2024-13-01", "spec.x: Invalid value: \"2024-13-01\": spec.x in body must be of type date: \"2024-13-01\"")]
    public void Strings_in_a_known_format_are_checked(string format, string value, string expected) =>
        Assert.Equal([expected], Errors(SpecSchema($$"""
            "x": {"type": "string", "format": "{{format}}"}
            """), $$"""{"x": "{{value}}"}"""));

    [Theory]
    [InlineData("date-time", "2024-05-01T10:00:00Z")]
    [InlineData("date-time", "2024-05-01T10:00:00.123+02:00")]
    [InlineData("uuid", "123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("byte", "aGVsbG8=")]
    [InlineData("duration", "1h30m")]
    [InlineData("int-or-string", "anything")]
    [InlineData("made-up", "anything")]
    public void Strings_in_a_valid_or_unknown_format_pass(string format, string value) =>
        Assert.Empty(Errors(SpecSchema($$"""
            "x": {"type": "string", "format": "{{format}}"}
            """), $$"""{"x": "{{value}}"}"""));

    [Fact]
    public void Missing_required_fields_are_reported_at_their_path() =>
        Assert.Equal(
            ["spec.size: Required value"],
            Errors(SpecSchema("\"size\": {\"type\": \"integer\"}, \"name\": {\"type\": \"string\"}", "\"required\": [\"size\", \"name\"],"), """{"name": "a"}"""));

    [Theory]
    [InlineData("""{"type": "string", "enum": ["a", "b"]}""", "\"x\"", "spec.x: Unsupported value: \"x\": supported values: \"a\", \"b\"")]
    [InlineData("""{"type": "integer", "enum": [1, 2]}""", "3", "spec.x: Unsupported value: 3: supported values: \"1\", \"2\"")]
    [InlineData("""{"type": "string", "pattern": "^[a-z]+$"}""", "\"A1\"", "spec.x: Invalid value: \"A1\": spec.x in body should match '^[a-z]+$'")]
    [InlineData("""{"type": "integer", "minimum": 1}""", "0", "spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1")]
    [InlineData("""{"type": "integer", "minimum": 1, "exclusiveMinimum": true}""", "1", "spec.x: Invalid value: 1: spec.x in body should be greater than 1")]
    [InlineData("""{"type": "integer", "maximum": 10}""", "11", "spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10")]
    [InlineData("""{"type": "number", "maximum": 1.5, "exclusiveMaximum": true}""", "1.5", "spec.x: Invalid value: 1.5: spec.x in body should be less than 1.5")]
    [InlineData("""{"type": "integer", "multipleOf": 5}""", "7", "spec.x: Invalid value: 7: spec.x in body should be a multiple of 5")]
    [InlineData("""{"type": "string", "maxLength": 3}""", "\"abcd\"", "spec.x: Too long: may not be more than 3 bytes")]
    [InlineData("""{"type": "string", "minLength": 3}""", "\"ab\"", "spec.x: Invalid value: \"ab\": spec.x in body should be at least 3 chars long")]
    [InlineData("""{"type": "array", "items": {"type": "integer"}, "maxItems": 3}""", "[1, 2, 3, 4]", "spec.x: Too many: 4: must have at most 3 items")]
    [InlineData("""{"type": "array", "items": {"type": "integer"}, "minItems": 2}""", "[1]", "spec.x: Invalid value: 1: spec.x in body should have at least 2 items")]
    [InlineData("""{"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 1}""", "{\"a\": \"1\", \"b\": \"2\"}", "spec.x: Too many: 2: must have at most 1 items")]
    [InlineData("""{"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 2}""", "{\"a\": \"1\"}", "spec.x: Invalid value: 1: spec.x in body should have at least 2 properties")]
    [InlineData("""{"type": "array", "items": {"type": "string"}, "uniqueItems": true}""", "[\"a\", \"a\"]", "spec.x: Invalid value: \"\": spec.x in body shouldn't contain duplicates")]
    [InlineData("""{"type": "array", "items": {"type": "integer", "minimum": 0}}""", "[1, -1]", "spec.x[1]: Invalid value: -1: spec.x[1] in body should be greater than or equal to 0")]
    [InlineData("""{"type": "object", "additionalProperties": {"type": "integer"}}""", "{\"k\": \"v\"}", "spec.x.k: Invalid value: \"string\": spec.x.k in body must be of type integer: \"string\"")]
    public void Each_value_keyword_reports_its_upstream_error(string property, string value, string expected) =>
        Assert.Equal([expected], Errors(SpecSchema($"\"x\": {property}"), $$"""{"x": {{value}}}"""));

    [Theory]
    [InlineData("""{"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}""", "[\"a\", \"b\", \"a\", \"a\"]", "spec.x[2]: Duplicate value: \"a\"")]
    [InlineData("""{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}""", "[{\"name\": \"a\"}, {\"name\": \"a\"}]", "spec.x[1]: Duplicate value: {\"name\":\"a\"}")]
    [InlineData("""{"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"], "items": {"type": "object", "required": ["port", "protocol"], "properties": {"port": {"type": "integer"}, "protocol": {"type": "string"}}}}""", "[{\"port\": 80, \"protocol\": \"TCP\"}, {\"port\": 80, \"protocol\": \"UDP\"}, {\"port\": 80, \"protocol\": \"TCP\"}]", "spec.x[2]: Duplicate value: {\"port\":80,\"protocol\":\"TCP\"}")]
    public void Sets_and_map_lists_reject_duplicates(string property, string value, string expected) =>
        Assert.Equal([expected], Errors(SpecSchema($"\"x\": {property}"), $$"""{"x": {{value}}}"""));

    [Fact]
    public void Embedded_resources_need_apiVersion_kind_and_valid_metadata()
    {
        var schema = SpecSchema("""
            "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}
            """);
        var errors = Errors(schema, """{"template": {"metadata": {"name": "Bad/Name", "labels": {"a": "b c"}}}}""");
        Assert.Contains("spec.template.apiVersion: Required value", errors);
        Assert.Contains("spec.template.kind: Required value", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.template.metadata.name: Invalid value: \"Bad/Name\": may not contain '/'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.template.metadata.labels: Invalid value: \"b c\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Embedded_resources_with_apiVersion_and_kind_pass() =>
        Assert.Empty(Errors(
            SpecSchema("""
                "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}
                """),
            """{"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "x"}}, "spec": {}}}"""));

    [Fact]
    public void Root_metadata_is_left_to_the_registry_except_name_restrictions()
    {
        var schema = CrdSchema.Parse(JsonNode.Parse("""
            {"type": "object", "properties": {"metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3}}}}}
            """)!);
        var errors = ObjectValidator.Validate((JsonObject)JsonNode.Parse("""{"metadata": {"name": "long-name", "labels": {"a": "b"}}}""")!, schema);
        Assert.Equal(["metadata.name: Too long: may not be more than 3 bytes"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Update_ratchets_unchanged_invalid_values_but_checks_changed_ones()
    {
        var schema = SpecSchema("\"a\": {\"type\": \"string\", \"maxLength\": 2}, \"b\": {\"type\": \"string\", \"maxLength\": 2}");
        var old = Resource("""{"a": "too long", "b": "ok"}""");
        var updated = Resource("""{"a": "too long", "b": "now too long"}""");
        var errors = ObjectValidator.ValidateUpdate(updated, old, schema);
        Assert.Equal(["spec.b: Too long: may not be more than 2 bytes"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void AnyOf_oneOf_and_not_are_value_validations()
    {
        var schema = SpecSchema("\"x\": {\"type\": \"integer\", \"anyOf\": [{\"minimum\": 10}, {\"maximum\": 0}]}");
        Assert.Equal(["Invalid value: \"\": \"spec.x\" must validate at least one schema (anyOf)"], Errors(schema, """{"x": 5}"""));
        Assert.Empty(Errors(schema, """{"x": 11}"""));
    }
}
