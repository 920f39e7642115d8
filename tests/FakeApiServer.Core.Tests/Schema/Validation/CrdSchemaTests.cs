using System.Text.Json.Nodes;
using FakeApiServer.Schema;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Tests.Schema.Validation;

public sealed class CrdSchemaTests
{
    private static readonly JsonNode Json = JsonNode.Parse("""
        {
          "type": "object",
          "description": "A widget",
          "properties": {
            "spec": {
              "type": "object",
              "required": ["size"],
              "x-kubernetes-validations": [{"rule": "self.size > 0", "message": "size must be positive", "messageExpression": "'bad size'", "reason": "FieldValueForbidden", "fieldPath": ".size", "optionalOldSelf": true}],
              "properties": {
                "size": {"type": "integer", "format": "int32", "minimum": 1, "exclusiveMaximum": true, "maximum": 10, "default": 3},
                "name": {"type": "string", "pattern": "^[a-z]+$", "minLength": 1, "maxLength": 5, "enum": ["a", "b"], "nullable": true},
                "port": {"x-kubernetes-int-or-string": true},
                "ports": {"type": "array", "minItems": 1, "maxItems": 3, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                  "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "labels": {"type": "object", "minProperties": 1, "maxProperties": 2, "x-kubernetes-map-type": "atomic", "additionalProperties": {"type": "string"}},
                "template": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}
              }
            }
          }
        }
        """)!;

    [Fact]
    public void Parse_reads_every_keyword_and_extension()
    {
        var spec = CrdSchema.Parse(Json).Property("spec")!;
        var size = spec.Property("size")!;
        Assert.Equal(("integer", "int32", 1.0, 10.0, true), (size.Type, size.Format, size.Minimum, size.Maximum, size.ExclusiveMaximum));
        Assert.Equal(3, size.Default!.GetValue<int>());
        var name = spec.Property("name")!;
        Assert.Equal(("^[a-z]+$", 1L, 5L, true, 2), (name.Pattern, name.MinLength, name.MaxLength, name.Nullable, name.Enum.Count));
        Assert.True(spec.Property("port")!.IntOrString);
        var ports = spec.Property("ports")!;
        Assert.Equal((1L, 3L, "map", "name"), (ports.MinItems, ports.MaxItems, ports.ListType, ports.ListMapKeys.Single()));
        var labels = spec.Property("labels")!;
        Assert.Equal((1L, 2L, "atomic", "string"), (labels.MinProperties, labels.MaxProperties, labels.MapType, labels.AdditionalProperties!.Type));
        Assert.True(spec.Property("template")!.EmbeddedResource);
        var rule = spec.Validations.Single();
        Assert.Equal(("self.size > 0", "size must be positive", "'bad size'", "FieldValueForbidden", ".size", true),
            (rule.Rule, rule.Message, rule.MessageExpression, rule.Reason, rule.FieldPath, rule.OptionalOldSelf));
        Assert.Equal(["size"], spec.Required);
    }

    [Fact]
    public void ToStructural_keeps_what_pruning_patching_and_openapi_need()
    {
        var root = CrdSchema.Parse(Json).ToStructural();
        Assert.Equal("A widget", root.Description);
        Assert.Null(root.ComponentName);
        var spec = root.Property("spec")!;
        Assert.Equal(["size"], spec.Required);
        Assert.Equal(3, spec.Property("size")!.Default!.Value.GetInt32());
        Assert.True(spec.Property("name")!.Nullable);
        Assert.Equal(2, spec.Property("name")!.Enum.Count);
        var port = spec.Property("port")!;
        Assert.Equal((null, true, "int-or-string"), (port.Type, port.IntOrString, port.Format));
        Assert.Equal((ListTypes.Map, "name"), (spec.Property("ports")!.ListType, spec.Property("ports")!.ListMapKeys.Single()));
        Assert.Equal(MapTypes.Atomic, spec.Property("labels")!.MapType);
        Assert.Equal("string", spec.Property("labels")!.AdditionalProperties!.Type);
        var template = spec.Property("template")!;
        Assert.True(template.EmbeddedResource && template.PreserveUnknownFields);
    }

    [Fact]
    public void ToStructural_adds_apiVersion_kind_and_ObjectMeta_at_the_root_so_pruning_keeps_them()
    {
        var root = CrdSchema.Parse(Json).ToStructural();
        Assert.Equal("string", root.Property("apiVersion")!.Type);
        Assert.Equal("string", root.Property("kind")!.Type);
        Assert.NotNull(root.Path("metadata.labels"));
        var obj = (JsonObject)JsonNode.Parse("""{"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "a", "labels": {"k": "v"}}, "spec": {"size": 1, "bogus": 1}, "extra": 1}""")!;
        Assert.Equal(["spec.bogus", "extra"], UnknownFields.Prune(obj, root));
        Assert.Equal("v", obj["metadata"]!["labels"]!["k"]!.GetValue<string>());
    }
}
