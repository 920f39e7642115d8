using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>Malformed bodies are a <see cref="ProtobufFormatException"/> naming what is wrong; unknown kinds their own exception.</summary>
public sealed class ProtobufDecodeErrorTests
{
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    // "k8s\0" + Unknown.typeMeta {apiVersion "v1", kind "ConfigMap"}; append raw = 2 and its bytes.
    private const string ConfigMapEnvelope = "6B387300 0A0F 0A027631 1209436F6E6669674D6170";

    [Fact]
    public void A_body_without_the_magic_is_not_a_protobuf_message()
    {
        var error = Assert.Throws<ProtobufFormatException>(() => Codec.Decode("""{"kind":"ConfigMap"}"""u8));

        Assert.Equal("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", error.Message);
    }

    [Fact]
    public void Only_the_magic_is_an_empty_body()
    {
        Assert.Equal("empty body", Assert.Throws<ProtobufFormatException>(() => Codec.Decode(Hex("6B387300"))).Message);
        Assert.Equal("empty data", Assert.Throws<ProtobufFormatException>(() => Codec.Decode([])).Message);
    }

    [Fact]
    public void A_truncated_varint_is_reported()
    {
        var error = Assert.Throws<ProtobufFormatException>(() => Codec.Decode(Hex("6B387300 0A80")));

        Assert.Contains("truncated varint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_past_the_end_is_reported_with_the_field_it_is_in()
    {
        var envelope = Assert.Throws<ProtobufFormatException>(() => Codec.Decode(Hex("6B387300 0A05 0A01")));
        var nested = Assert.Throws<ProtobufFormatException>(() => Codec.Decode(Hex(ConfigMapEnvelope + "1204 0A09 6162")));

        Assert.Equal("runtime.Unknown envelope: length 5 runs past the end of the message (2 bytes left)", envelope.Message);
        Assert.Equal("k8s.io.api.core.v1.ConfigMap field metadata (1): length 9 runs past the end of the message (2 bytes left)", nested.Message);
    }

    [Fact]
    public void A_known_field_with_the_wrong_wire_type_is_reported()
    {
        // ConfigMap.data (2) as a varint.
        var error = Assert.Throws<ProtobufFormatException>(() => Codec.Decode(Hex(ConfigMapEnvelope + "1202 1001")));

        Assert.Equal("k8s.io.api.core.v1.ConfigMap field data (2): wrong wire type 0 (expected 2)", error.Message);
    }

    [Fact]
    public void A_kind_without_a_protobuf_form_is_unsupported()
    {
        // typeMeta {apiVersion "example.com/v1", kind "Widget"}, raw empty.
        var error = Assert.Throws<ProtobufUnsupportedKindException>(() =>
            Codec.Decode(Hex("6B387300 0A18 0A0E6578616D706C652E636F6D2F7631 1206576964676574 1200")));

        Assert.Equal(("example.com/v1", "Widget"), (error.ApiVersion, error.Kind));
        Assert.False(Codec.Supports("example.com/v1", "Widget"));
        Assert.False(Codec.Supports("meta.k8s.io/v1", "Table"));
    }

    [Fact]
    public void Unknown_field_numbers_are_skipped()
    {
        // raw: field 99 varint 1, field 98 bytes "x", then data {a: b}.
        var decoded = Codec.Decode(Hex(ConfigMapEnvelope + "120F 980601 92060178 1206 0A0161 120162"));

        Assert.Equal("b", (string?)decoded["data"]?["a"]);
    }

    [Fact]
    public void An_empty_type_meta_takes_the_endpoint_defaults()
    {
        var decoded = Codec.Decode(Hex("6B387300 0A00 1200"), "v1", "ConfigMap");

        Assert.Equal("v1", (string?)decoded["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)decoded["kind"]);
        Assert.Null(decoded["metadata"]?["creationTimestamp"]);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
