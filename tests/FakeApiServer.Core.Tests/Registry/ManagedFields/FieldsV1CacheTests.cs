using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.ManagedFields;

namespace FakeApiServer.Tests.Registry.ManagedFields;

/// <summary>The FieldsV1 cache decodes as <see cref="FieldSet.FromFieldsV1"/> does and encodes as <see cref="FieldSet.ToFieldsV1"/> does.</summary>
public sealed class FieldsV1CacheTests
{
    private const string Fields =
        """{"f:data":{".":{},"f:v":{},"f:payload":{}},"f:metadata":{"f:labels":{"f:b":{},"f:a":{}},"f:annotations":{"f:\"q\"":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{}}},"f:ports":{"v:80":{}},"f:list":{"i:0":{}}}}""";

    [Fact]
    public void The_same_text_decodes_to_the_same_set_as_FromFieldsV1()
    {
        var cache = new FieldsV1Cache();

        var first = cache.Decode(JsonNode.Parse(Fields));
        var second = cache.Decode(JsonNode.Parse(Fields));

        Assert.Same(first, second);
        Assert.Equal(FieldSet.FromFieldsV1(JsonNode.Parse(Fields)).ToString(), first.ToString());
    }

    [Fact]
    public void A_decoded_set_encodes_byte_for_byte_as_ToFieldsV1()
    {
        var cache = new FieldsV1Cache();
        var set = cache.Decode(JsonNode.Parse(Fields));

        Assert.Equal(ObjectJson.Serialize(set.ToFieldsV1()), ObjectJson.Serialize(cache.Encode(set)));
        Assert.Equal(ObjectJson.Serialize(set.ToFieldsV1()), ObjectJson.Serialize(cache.Encode(set)));
    }

    [Fact]
    public void A_set_it_did_not_decode_encodes_as_ToFieldsV1()
    {
        var cache = new FieldsV1Cache();
        var set = FieldSet.Of(FieldPath.Of("data", "v"));

        Assert.Equal(ObjectJson.Serialize(set.ToFieldsV1()), ObjectJson.Serialize(cache.Encode(set)));
    }

    [Fact]
    public void Malformed_FieldsV1_throw_every_time_and_absent_ones_are_the_empty_set()
    {
        var cache = new FieldsV1Cache();

        Assert.Throws<FormatException>(() => cache.Decode(JsonNode.Parse("""{"x:bad":{}}""")));
        Assert.Throws<FormatException>(() => cache.Decode(JsonNode.Parse("""{"x:bad":{}}""")));
        Assert.Throws<FormatException>(() => cache.Decode(JsonNode.Parse("[]")));
        Assert.True(cache.Decode(null).IsEmpty);
    }
}
