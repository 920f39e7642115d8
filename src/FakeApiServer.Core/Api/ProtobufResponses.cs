using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Registry;

namespace FakeApiServer.Api;

/// <summary>
/// The protobuf side of content negotiation (application/vnd.kubernetes.protobuf): which kinds answer in protobuf
/// and their bodies. A stored object's message is encoded once per stored version and kept as long as the stored
/// bytes live (a weak table keyed by them), so a GET, a LIST item and every watcher's event reuse it, as
/// kube-apiserver's watch cache keeps one serialization per object for all watchers. One per host.
/// </summary>
internal sealed class ProtobufResponses
{
    private readonly ConditionalWeakTable<byte[], EncodedObject> _objects = [];

    public ProtobufResponses(ProtobufCodec codec) => Codec = codec;

    public ProtobufCodec Codec { get; }

    /// <summary>Whether the kind has a protobuf form (built-in kinds do; custom resources and Tables do not).</summary>
    public bool Serves(ResourceDefinition definition) => Codec.Supports(definition.ApiVersion, definition.Kind);

    /// <summary>A stored object as a whole protobuf body ("k8s\0" + runtime.Unknown), from the cache when encoded before.</summary>
    public byte[] Object(ResourceDefinition definition, byte[] stored)
    {
        if (_objects.TryGetValue(stored, out var encoded) && encoded.ApiVersion == definition.ApiVersion)
        {
            return encoded.Body;
        }

        // The served version differs from the stored one only in apiVersion, which travels in the envelope.
        var body = Codec.Encode(definition.ApiVersion, definition.Kind, stored);
        _objects.AddOrUpdate(stored, new EncodedObject(definition.ApiVersion, body));
        return body;
    }

    /// <summary>An object built by the server (a Scale, a review's answer, a Status) as a whole protobuf body.</summary>
    public byte[] Built(string apiVersion, string kind, byte[] json) => Codec.Encode(apiVersion, kind, json);

    /// <summary>A list of stored objects as one protobuf body, written to the response pipe.</summary>
    public Task WriteListAsync(PipeWriter output, ResourceDefinition definition, byte[] listMetaJson, IEnumerable<byte[]> stored, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Codec.EncodeList(output, definition.ApiVersion, definition.ListKind, definition.Kind, listMetaJson, stored.Select(s => (ReadOnlyMemory<byte>)s));
        return Task.CompletedTask;
    }

    /// <summary>One watch frame (4-byte length + WatchEvent) carrying a stored object of <paramref name="definition"/>'s kind.</summary>
    public void WriteObjectFrame(IBufferWriter<byte> output, ResourceEventType type, ResourceDefinition definition, byte[] stored) =>
        Codec.EncodeWatchFrame(output, EventType(type), definition.ApiVersion, definition.Kind, stored);

    /// <summary>One watch frame carrying an object built for the event (a bookmark's object, an ERROR's Status).</summary>
    public void WriteFrame(IBufferWriter<byte> output, ResourceEventType type, string apiVersion, string kind, byte[] json) =>
        Codec.EncodeWatchFrame(output, EventType(type), apiVersion, kind, json);

    private static string EventType(ResourceEventType type) => type switch
    {
        ResourceEventType.Added => "ADDED",
        ResourceEventType.Modified => "MODIFIED",
        ResourceEventType.Deleted => "DELETED",
        ResourceEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    private sealed record EncodedObject(string ApiVersion, byte[] Body);
}
