using System.Text.Json.Nodes;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Registry.ManagedFields;

public sealed class ServerSideApplyTests
{
    private static readonly StructuralSchema Pod = BuiltInSchemas.SchemaOf(typeof(V1Pod))!;

    private static JsonObject Json(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static string Merge(string live, string config) => ServerSideApply.Merge(Json(live), Json(config), Pod)!.ToJsonString();

    [Fact]
    public void Maps_merge_recursively_and_scalars_are_replaced()
    {
        Assert.Equal(
            """{"metadata":{"labels":{"a":"1","b":"3","c":"4"}},"spec":{"nodeName":"n2"}}""",
            Merge("""{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"nodeName":"n1"}}""", """{"metadata":{"labels":{"b":"3","c":"4"}},"spec":{"nodeName":"n2"}}"""));
    }

    [Fact]
    public void List_map_elements_merge_by_key_in_applied_order_keeping_live_only_elements()
    {
        Assert.Equal(
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"c","image":"new"},{"name":"b","image":"2","args":["x"]}]}}""",
            Merge("""{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1","args":["x"]}]}}""",
                  """{"spec":{"containers":[{"name":"c","image":"new"},{"name":"b","image":"2"}]}}"""));
    }

    [Fact]
    public void Sets_are_unioned_and_atomic_lists_replaced()
    {
        Assert.Equal(
            """{"metadata":{"finalizers":["a","b","c"]},"spec":{"tolerations":[{"key":"new"}]}}""",
            Merge("""{"metadata":{"finalizers":["a","b"]},"spec":{"tolerations":[{"key":"old"},{"key":"other"}]}}""",
                  """{"metadata":{"finalizers":["b","c"]},"spec":{"tolerations":[{"key":"new"}]}}"""));
    }

    [Fact]
    public void Map_type_atomic_is_replaced_whole()
    {
        Assert.Equal(
            """{"spec":{"nodeSelector":{"b":"2"}}}""",
            Merge("""{"spec":{"nodeSelector":{"a":"1"}}}""", """{"spec":{"nodeSelector":{"b":"2"}}}"""));
    }

    [Fact]
    public void Prune_removes_what_the_applier_owned_and_nobody_owns_now()
    {
        var merged = Json("""{"metadata":{"labels":{"a":"1","b":"2","c":"3"}},"spec":{"containers":[{"name":"x","image":"1"},{"name":"y","image":"1"}]}}""");
        var last = FieldSet.FromFieldsV1(JsonNode.Parse("""
            {"f:metadata":{"f:labels":{"f:a":{},"f:b":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"x\"}":{".":{},"f:image":{},"f:name":{}},"k:{\"name\":\"y\"}":{".":{},"f:image":{},"f:name":{}}}}}
            """));
        var owned = FieldSet.FromFieldsV1(JsonNode.Parse("""
            {"f:metadata":{"f:labels":{"f:a":{},"f:c":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"x\"}":{".":{},"f:image":{},"f:name":{}}}}}
            """));

        ServerSideApply.Prune(merged, last, owned, Pod);

        Assert.Equal("""{"metadata":{"labels":{"a":"1","c":"3"}},"spec":{"containers":[{"name":"x","image":"1"}]}}""", merged.ToJsonString());
    }

    [Fact]
    public void Prune_keeps_a_field_another_manager_shares()
    {
        var merged = Json("""{"metadata":{"labels":{"a":"1","b":"2"}}}""");
        var last = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:metadata":{"f:labels":{"f:a":{},"f:b":{}}}}"""));
        var owned = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:metadata":{"f:labels":{"f:a":{},"f:b":{}}}}"""));

        ServerSideApply.Prune(merged, last, owned, Pod);

        Assert.Equal("""{"metadata":{"labels":{"a":"1","b":"2"}}}""", merged.ToJsonString());
    }
}
