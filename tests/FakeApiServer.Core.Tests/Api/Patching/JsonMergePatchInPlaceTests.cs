using System.Text.Json.Nodes;
using FakeApiServer.Api.Patching;

namespace FakeApiServer.Tests.Api.Patching;

/// <summary>
/// A merge patch applied into the update loop's copy of the stored object gives the object a copying merge gives
/// (RFC 7386), and leaves the patch as it was for the loop's next attempt.
/// </summary>
public sealed class JsonMergePatchInPlaceTests
{
    [Theory]
    [InlineData("""{"a":1,"data":{"v":"1","p":"x"},"l":[1,2]}""", """{"data":{"v":"2"}}""")]
    [InlineData("""{"a":1,"data":{"v":"1","p":"x"}}""", """{"data":{"p":null},"a":null,"b":{"c":{"d":null,"e":1}}}""")]
    [InlineData("""{"a":{"b":1},"c":2}""", """{"a":3,"c":{"d":{"e":null,"f":[1]}}}""")]
    [InlineData("""{"l":[{"a":1}],"m":{"n":{"o":1}}}""", """{"l":[{"b":2}],"m":{"n":{"o":null,"p":2},"q":"r"}}""")]
    [InlineData("""{"a":1}""", """[1,2]""")]
    public void Gives_what_a_copying_merge_gives_and_leaves_the_patch(string target, string patch)
    {
        var patchNode = JsonNode.Parse(patch);
        var expected = JsonMergePatch.Apply(JsonNode.Parse(target), patchNode);

        var inPlace = JsonMergePatch.ApplyInPlace(JsonNode.Parse(target), patchNode);
        var again = JsonMergePatch.ApplyInPlace(JsonNode.Parse(target), patchNode);

        Assert.Equal(expected!.ToJsonString(), inPlace!.ToJsonString());
        Assert.Equal(expected.ToJsonString(), again!.ToJsonString());
        Assert.Equal(JsonNode.Parse(patch)!.ToJsonString(), patchNode!.ToJsonString());
    }
}
