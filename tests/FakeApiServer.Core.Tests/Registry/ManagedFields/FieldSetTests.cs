using System.Text.Json.Nodes;
using FakeApiServer.Registry.ManagedFields;

namespace FakeApiServer.Tests.Registry.ManagedFields;

public sealed class FieldSetTests
{
    private static readonly PathElement App = PathElement.Key([new("name", JsonValue.Create("app"))]);

    [Fact]
    public void Leaves_encode_as_empty_objects_and_parents_that_are_members_carry_a_dot_first()
    {
        var set = FieldSet.Of(
            FieldPath.Of("spec", "replicas"),
            FieldPath.Of([PathElement.Field("spec"), PathElement.Field("containers"), App]),
            FieldPath.Of([PathElement.Field("spec"), PathElement.Field("containers"), App, PathElement.Field("image")]));

        Assert.Equal("""{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{}}},"f:replicas":{}}}""", set.ToString());
    }

    [Fact]
    public void Elements_sort_fields_before_keys_before_values()
    {
        var set = FieldSet.Of(
            FieldPath.Of([PathElement.OfValue(JsonValue.Create("b"))]),
            FieldPath.Of([App]),
            FieldPath.Of([PathElement.OfValue(JsonValue.Create("a"))]),
            FieldPath.Of("z"),
            FieldPath.Of("a"));

        Assert.Equal("""{"f:a":{},"f:z":{},"k:{\"name\":\"app\"}":{},"v:\"a\"":{},"v:\"b\"":{}}""", set.ToString());
    }

    [Fact]
    public void Keys_are_sorted_by_name_in_their_token()
    {
        var port = PathElement.Key([new("protocol", JsonValue.Create("TCP")), new("containerPort", JsonValue.Create(80))]);

        Assert.Equal("""k:{"containerPort":80,"protocol":"TCP"}""", port.Token);
        Assert.Equal("""[containerPort=80,protocol="TCP"]""", port.ToString());
    }

    [Fact]
    public void FieldsV1_round_trips()
    {
        var json = """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}},"f:selector":{}}}""";

        var set = FieldSet.FromFieldsV1(JsonNode.Parse(json));

        Assert.Equal(json, set.ToString());
        Assert.True(set.Has(FieldPath.Of("metadata", "labels")));
        Assert.True(set.Has(FieldPath.Of("metadata", "labels", "app")));
        Assert.False(set.Has(FieldPath.Of("metadata")));
        Assert.True(set.Has(FieldPath.Of("spec", "selector")));
    }

    [Fact]
    public void Malformed_FieldsV1_is_rejected()
    {
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(JsonNode.Parse("""{"x:y":{}}""")));
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:a":1}""")));
        Assert.True(FieldSet.FromFieldsV1(null).IsEmpty);
    }

    [Fact]
    public void Difference_removes_exact_paths_and_recursive_difference_removes_subtrees()
    {
        var set = FieldSet.Of(FieldPath.Of("status"), FieldPath.Of("status", "phase"), FieldPath.Of("spec", "x"));
        var status = FieldSet.Of(FieldPath.Of("status"));

        Assert.Equal("""{"f:spec":{"f:x":{}},"f:status":{"f:phase":{}}}""", set.Difference(status).ToString());
        Assert.Equal("""{"f:spec":{"f:x":{}}}""", set.RecursiveDifference(status).ToString());
    }

    [Fact]
    public void Union_and_intersection_work_per_path()
    {
        var a = FieldSet.Of(FieldPath.Of("spec", "a"), FieldPath.Of("spec", "b"));
        var b = FieldSet.Of(FieldPath.Of("spec", "b"), FieldPath.Of("spec", "c"));

        Assert.Equal("""{"f:spec":{"f:a":{},"f:b":{},"f:c":{}}}""", a.Union(b).ToString());
        Assert.Equal("""{"f:spec":{"f:b":{}}}""", a.Intersection(b).ToString());
        Assert.True(a.Difference(a).IsEmpty);
    }
}
