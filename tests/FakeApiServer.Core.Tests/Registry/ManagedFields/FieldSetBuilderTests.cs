using System.Text.Json.Nodes;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Registry.ManagedFields;

public sealed class FieldSetBuilderTests
{
    private static readonly StructuralSchema Deployment = BuiltInSchemas.SchemaOf(typeof(V1Deployment))!;
    private static readonly StructuralSchema Pod = BuiltInSchemas.SchemaOf(typeof(V1Pod))!;

    private static JsonObject Json(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void Struct_fields_are_paths_map_keys_are_members_and_atomic_structs_are_leaves()
    {
        var set = FieldSetBuilder.ToFieldSet(Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}}}
            """), Deployment);

        Assert.Equal(
            """{"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:labels":{"f:app":{}},"f:name":{}},"f:spec":{"f:replicas":{},"f:selector":{}}}""",
            set.ToString());
    }

    [Fact]
    public void List_map_elements_are_keyed_by_their_keys_with_defaults()
    {
        var set = FieldSetBuilder.ToFieldSet(Json("""
            {"spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}]}]}}
            """), Pod);

        Assert.Equal(
            """{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}""",
            set.ToString());
    }

    [Fact]
    public void Set_elements_are_values_and_atomic_lists_are_leaves()
    {
        var set = FieldSetBuilder.ToFieldSet(Json("""
            {"metadata":{"finalizers":["a/b","c"]},"spec":{"tolerations":[{"key":"k"}],"containers":[{"name":"x","args":["1"]}]}}
            """), Pod);

        Assert.Equal(
            """{"f:metadata":{"f:finalizers":{"v:\"a/b\"":{},"v:\"c\"":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"x\"}":{".":{},"f:args":{},"f:name":{}}},"f:tolerations":{}}}""",
            set.ToString());
    }

    [Fact]
    public void Without_a_schema_maps_are_granular_with_every_key_a_member_and_lists_are_atomic()
    {
        var set = FieldSetBuilder.ToFieldSet(Json("""{"spec":{"size":1,"items":[1,2]}}"""), null);

        Assert.Equal("""{"f:spec":{".":{},"f:items":{},"f:size":{}}}""", set.ToString());
    }

    [Fact]
    public void Compare_reports_added_maps_as_members_but_not_go_value_structs()
    {
        var before = Json("""{"metadata":{"name":"web"},"spec":{"replicas":1}}""");
        var after = Json("""
            {"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":2,"template":{"metadata":{"labels":{"a":"b"}}},
             "strategy":{"rollingUpdate":{"maxSurge":1}}}}
            """);

        var comparison = FieldSetBuilder.Compare(before, after, Deployment);

        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", comparison.Modified.ToString());
        Assert.Equal(
            """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{}}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:a":{}}}}}}""",
            comparison.Added.ToString());
        Assert.True(comparison.Removed.IsEmpty);
    }

    [Fact]
    public void Compare_of_lists_goes_element_by_element_for_list_maps_and_whole_for_atomic_lists()
    {
        var before = Json("""{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}],"tolerations":[{"key":"x"}]}}""");
        var after = Json("""{"spec":{"containers":[{"name":"b","image":"2"},{"name":"c","image":"1"}],"tolerations":[{"key":"y"}]}}""");

        var comparison = FieldSetBuilder.Compare(before, after, Pod);

        Assert.Equal("""{"f:spec":{"f:containers":{"k:{\"name\":\"b\"}":{"f:image":{}}},"f:tolerations":{}}}""", comparison.Modified.ToString());
        Assert.Equal("""{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}""", comparison.Added.ToString());
        Assert.Equal("""{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},"f:image":{},"f:name":{}}}}}""", comparison.Removed.ToString());
    }

    [Fact]
    public void A_create_compares_with_an_empty_go_object_so_containers_and_resources_are_not_added_whole()
    {
        var pod = Json("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"app","resources":{"limits":{"cpu":"1"}}}]}}""");

        var added = FieldSetBuilder.Compare(new JsonObject(), pod, Pod).Added;

        // As a mirror pod's kubelet entry upstream: no "." on f:containers, but on a new element's f:resources.
        Assert.Equal(
            """{"f:metadata":{"f:name":{}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:name":{},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{}}}}}}}""",
            added.ToString());
    }
}
