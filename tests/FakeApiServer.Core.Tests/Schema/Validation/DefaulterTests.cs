using System.Text.Json.Nodes;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Tests.Schema.Validation;

public sealed class DefaulterTests
{
    private static readonly CrdSchema Schema = CrdSchema.Parse(JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "spec": {
              "type": "object",
              "default": {},
              "properties": {
                "replicas": {"type": "integer", "default": 1},
                "mode": {"type": "string", "default": "auto"},
                "note": {"type": "string", "nullable": true, "default": "n"},
                "strategy": {"type": "object", "default": {"type": "Rolling"}, "properties": {"type": {"type": "string"}, "maxSurge": {"type": "integer", "default": 25}}},
                "ports": {"type": "array", "items": {"type": "object", "properties": {"protocol": {"type": "string", "default": "TCP"}, "port": {"type": "integer"}}}},
                "tags": {"type": "array", "items": {"type": "string", "default": "none"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "default": "x"}},
                "plain": {"type": "string"}
              }
            }
          }
        }
        """)!);

    private static JsonObject Apply(string json)
    {
        var obj = (JsonObject)JsonNode.Parse(json)!;
        Defaulter.Apply(obj, Schema);
        return obj;
    }

    [Fact]
    public void Absent_properties_get_their_defaults_and_defaults_are_defaulted_again() =>
        Assert.Equal(
            """{"spec":{"replicas":1,"mode":"auto","note":"n","strategy":{"type":"Rolling","maxSurge":25}}}""",
            Apply("{}").ToJsonString());

    [Fact]
    public void Present_values_are_kept() =>
        Assert.Equal(3, Apply("""{"spec": {"replicas": 3}}""")["spec"]!["replicas"]!.GetValue<int>());

    [Fact]
    public void Null_without_nullable_is_replaced_by_the_default_and_null_with_nullable_is_kept()
    {
        var spec = Apply("""{"spec": {"replicas": null, "note": null}}""")["spec"]!.AsObject();
        Assert.Equal(1, spec["replicas"]!.GetValue<int>());
        Assert.True(spec.ContainsKey("note"));
        Assert.Null(spec["note"]);
    }

    [Fact]
    public void Null_without_nullable_or_default_is_dropped() =>
        Assert.False(Apply("""{"spec": {"plain": null}}""")["spec"]!.AsObject().ContainsKey("plain"));

    [Fact]
    public void Array_items_and_map_values_are_defaulted()
    {
        var spec = Apply("""{"spec": {"ports": [{"port": 80}], "tags": ["a", null], "labels": {"k": null}}}""")["spec"]!;
        Assert.Equal("TCP", spec["ports"]![0]!["protocol"]!.GetValue<string>());
        Assert.Equal("none", spec["tags"]![1]!.GetValue<string>());
        Assert.Equal("x", spec["labels"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_reports_whether_it_changed_the_object()
    {
        var full = (JsonObject)JsonNode.Parse("""{"spec":{"replicas":1,"mode":"auto","note":"n","strategy":{"type":"Rolling","maxSurge":25}}}""")!;
        Assert.False(Defaulter.Apply(full, Schema));
        Assert.True(Defaulter.Apply(new JsonObject(), Schema));
    }
}
