using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Deployments;

namespace FakeApiServer.Tests.Controllers.Deployments;

public sealed class PodTemplateHashTests
{
    private static JsonObject Template(string image = "nginx") => JsonNode.Parse($$$"""
        {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"{{{image}}}"}]}}
        """)!.AsObject();

    [Fact]
    public void The_hash_is_short_and_uses_only_the_safe_alphabet()
    {
        var hash = PodTemplateHash.Compute(Template(), collisionCount: null);

        Assert.InRange(hash.Length, 1, 10);
        Assert.All(hash, c => Assert.Contains(c, "bcdfghjklmnpqrstvwxz2456789"));
    }

    [Fact]
    public void The_hash_is_stable_and_ignores_key_order_and_the_hash_label()
    {
        var reordered = JsonNode.Parse("""{"spec":{"containers":[{"image":"nginx","name":"main"}]},"metadata":{"labels":{"app":"web","pod-template-hash":"x"}}}""")!.AsObject();

        Assert.Equal(PodTemplateHash.Compute(Template(), null), PodTemplateHash.Compute(reordered, null));
        Assert.Equal(PodTemplateHash.Compute(Template(), null), PodTemplateHash.Compute(Template(), null));
    }

    [Fact]
    public void Another_template_or_a_collision_count_changes_the_hash()
    {
        var hash = PodTemplateHash.Compute(Template(), null);

        Assert.NotEqual(hash, PodTemplateHash.Compute(Template("nginx:2"), null));
        Assert.NotEqual(hash, PodTemplateHash.Compute(Template(), 1));
    }

    [Fact]
    public void Safe_encoding_maps_digits_as_upstream()
    {
        // rand.SafeEncodeString("0123456789"): each byte ('0' is 48) indexes the 27-character alphabet modulo its length.
        Assert.Equal("456789bcdf", PodTemplateHash.SafeEncode("0123456789"));
    }

    [Fact]
    public void Templates_equal_but_for_the_hash_label_nulls_and_empty_fields_are_equal_ignoring_the_hash()
    {
        var written = JsonNode.Parse("""{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"nginx","resources":{}}]}}""")!.AsObject();
        var stored = Template();
        stored["metadata"]!["labels"]!["pod-template-hash"] = "abc";

        Assert.True(PodTemplateHash.EqualIgnoreHash(stored, written));
        Assert.False(PodTemplateHash.EqualIgnoreHash(stored, Template("nginx:2")));
    }
}
