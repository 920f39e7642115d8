// TEMPORARY: the contract's surface (notes/protobuf-contract.md) so proto-wire compiles before the codec branch
#pragma warning disable CA1822, CA1032, CA1064, CA1852
// (proto-codec) is merged; deleted by the merge. Supports nothing, so every response stays JSON.
using System.Buffers;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Protobuf;

internal sealed class ProtobufCodec
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    public static ProtobufCodec Create() => new();

    public bool Supports(string apiVersion, string kind) => false;

    public JsonObject Decode(ReadOnlySpan<byte> body, string? defaultApiVersion = null, string? defaultKind = null) =>
        KubernetesProtobuf.Decode(body) ?? throw new ProtobufUnsupportedKindException("", "");

    public void Encode(IBufferWriter<byte> output, string apiVersion, string kind, ReadOnlySpan<byte> json) => throw new NotSupportedException();

    public byte[] Encode(string apiVersion, string kind, ReadOnlySpan<byte> json) => throw new NotSupportedException();

    public void EncodeMessage(IBufferWriter<byte> output, string apiVersion, string kind, ReadOnlySpan<byte> json) => throw new NotSupportedException();

    public void EncodeList(IBufferWriter<byte> output, string apiVersion, string listKind, string itemKind,
        ReadOnlySpan<byte> listMetaJson, IEnumerable<ReadOnlyMemory<byte>> itemsJson) => throw new NotSupportedException();

    public JsonObject DecodeWatchEvent(ReadOnlySpan<byte> watchEvent) => throw new NotSupportedException();

    public void EncodeWatchFrame(IBufferWriter<byte> output, string type, string apiVersion, string kind, ReadOnlySpan<byte> json) => throw new NotSupportedException();
}

internal sealed class ProtobufFormatException(string message) : Exception(message);

internal sealed class ProtobufUnsupportedKindException(string apiVersion, string kind) : Exception($"{apiVersion} {kind}")
{
    public string ApiVersion { get; } = apiVersion;

    public string Kind { get; } = kind;
}
