using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>
/// Every top-level kind of the table: an object with every field set (built from the table) → protobuf → JSON →
/// protobuf gives the same bytes, and the JSON is the object it started from.
/// </summary>
public sealed class ProtobufRoundTripTests
{
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    public static TheoryData<string, string> Kinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var (apiVersion, kind, _) in Codec.Kinds.All.OrderBy(k => k.ApiVersion, StringComparer.Ordinal).ThenBy(k => k.Kind, StringComparer.Ordinal))
        {
            data.Add(apiVersion, kind);
        }

        foreach (var kind in new[] { "WatchEvent", "ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList" })
        {
            data.Add("v1", kind);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_field_survives_protobuf_and_back(string apiVersion, string kind)
    {
        var message = Codec.Kinds.Find(apiVersion, kind)!;
        var original = ProtobufSampleObjects.Object(message, apiVersion, kind);

        var encoded = Codec.Encode(apiVersion, kind, Encoding.UTF8.GetBytes(original.ToJsonString()));
        var decoded = Codec.Decode(encoded);
        var reencoded = Codec.Encode(apiVersion, kind, Encoding.UTF8.GetBytes(decoded.ToJsonString()));

        Assert.Equal(Convert.ToHexString(encoded), Convert.ToHexString(reencoded));
        Assert.True(JsonNode.DeepEquals(original, decoded), $"expected {original.ToJsonString()}\nactual   {decoded.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(decoded, Codec.Decode(reencoded)));
    }

    [Fact]
    public void Every_top_level_kind_of_the_table_is_served_in_its_group_version()
    {
        var top = Codec.Schema.Messages.Values.Where(m => m.TopLevelKind
            && (m.GoPackage.StartsWith("k8s.io/api/", StringComparison.Ordinal) || m.GoPackage.StartsWith("k8s.io/apiextensions-apiserver/", StringComparison.Ordinal))).ToList();
        var registered = Codec.Kinds.All.Select(k => k.Message).ToHashSet();

        Assert.Empty(top.Where(m => !registered.Contains(m)).Select(m => m.FullName));
        Assert.Equal(310 + 4, top.Count); // messages.tsv's top-level kinds of k8s.io/api and apiextensions (310), and the fork's four
    }
}
