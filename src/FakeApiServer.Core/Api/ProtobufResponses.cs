using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Registry;

namespace FakeApiServer.Api;

/// <summary>
/// The protobuf side of content negotiation (application/vnd.kubernetes.protobuf): which kinds answer in protobuf
/// and their bodies. A stored object's message is encoded once per stored version and kept as long as the stored
/// bytes live (a weak table keyed by them), so a GET, a LIST item and every watcher's frame wrap the same message
/// bytes in their envelope instead of encoding again, as kube-apiserver's watch cache keeps one serialization per
/// object for all watchers. One per host.
/// </summary>
internal sealed class ProtobufResponses
{
    /// <summary>How much of a list is written before the pipe is flushed to the client.</summary>
    private const int ListFlushBytes = 256 * 1024;

    /// <summary>The list's items field: 2 in every list the server serves (only PartialObjectMetadataList, not served, differs).</summary>
    private const byte ItemsTag = 0x12;

    /// <summary>contentEncoding = 3 and contentType = 4 of runtime.Unknown, empty, as Go always writes them.</summary>
    private static ReadOnlySpan<byte> EnvelopeEnd => [0x1A, 0x00, 0x22, 0x00];

    private readonly ConditionalWeakTable<byte[], EncodedObject> _objects = [];

    public ProtobufResponses(ProtobufCodec codec) => Codec = codec;

    public ProtobufCodec Codec { get; }

    /// <summary>Whether the kind has a protobuf form (built-in kinds do; custom resources and Tables do not).</summary>
    public bool Serves(ResourceDefinition definition) => Codec.Supports(definition.ApiVersion, definition.Kind);

    /// <summary>A stored object as a whole protobuf body ("k8s\0" + runtime.Unknown), kept with its message.</summary>
    public byte[] Object(ResourceDefinition definition, byte[] stored)
    {
        var encoded = Encoded(definition, stored);
        if (encoded.Body is { } body)
        {
            return body;
        }

        using var writer = new ProtobufWriter(encoded.Message.Length + 64);
        WriteEnvelope(writer, definition.ApiVersion, definition.Kind, encoded.Message);
        encoded.Body = writer.WrittenSpan.ToArray();
        return encoded.Body;
    }

    /// <summary>An object built by the server (a Scale, a review's answer, a Status, a discovery document) as a whole protobuf body.</summary>
    public byte[] Built(string apiVersion, string kind, byte[] json) => Codec.Encode(apiVersion, kind, json);

    /// <summary>
    /// A list of stored objects as one protobuf body, streamed to the response pipe: the items' messages (cached) give
    /// the list's length up front, so the envelope is written first and the items follow in chunks.
    /// </summary>
    public async Task WriteListAsync(PipeWriter output, ResourceDefinition definition, byte[] listMetaJson, IReadOnlyList<byte[]> stored, CancellationToken cancellationToken)
    {
        // The codec writes the list's envelope and ListMeta (an empty list); the items are appended to its raw.
        var empty = new ArrayBufferWriter<byte>(128);
        Codec.EncodeList(empty, definition.ApiVersion, definition.ListKind, definition.Kind, listMetaJson, []);
        var (typeMeta, listMeta) = SplitEnvelope(empty.WrittenSpan);
        var messages = new byte[stored.Count][];
        long itemsLength = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = Encoded(definition, stored[i]).Message;
            itemsLength += 1 + ProtobufWriter.VarintSize((ulong)messages[i].Length) + messages[i].Length;
        }

        output.Write(ProtobufCodec.Magic);
        output.Write(typeMeta);
        WriteTagAndLength(output, 0x12, (ulong)(listMeta.Length + itemsLength));
        output.Write(listMeta);
        long pending = 0;
        foreach (var message in messages)
        {
            WriteTagAndLength(output, ItemsTag, (ulong)message.Length);
            output.Write(message);
            pending += message.Length;
            if (pending >= ListFlushBytes)
            {
                pending = 0;
                await output.FlushAsync(cancellationToken);
            }
        }

        output.Write(EnvelopeEnd);
    }

    /// <summary>
    /// One watch frame (4-byte length + WatchEvent) carrying a stored object of <paramref name="definition"/>'s kind;
    /// the frame is kept with the object, so every watcher of the event copies the same bytes.
    /// </summary>
    public void WriteObjectFrame(IBufferWriter<byte> output, ResourceEventType type, ResourceDefinition definition, byte[] stored)
    {
        var encoded = Encoded(definition, stored);
        if (encoded.Frame is not { } frame || frame.Type != type)
        {
            frame = new WatchFrame(type, Frame(type, definition, encoded.Message));
            encoded.Frame = frame;
        }

        output.Write(frame.Bytes);
    }

    private static byte[] Frame(ResourceEventType type, ResourceDefinition definition, byte[] message)
    {
        using var writer = new ProtobufWriter(message.Length + 96);
        writer.WriteRaw([0, 0, 0, 0]);
        writer.WriteTag(0x0A);
        writer.WriteString(EventType(type));
        writer.WriteTag(0x12);
        var rawExtension = writer.BeginLengthDelimited();
        writer.WriteTag(0x0A);
        var raw = writer.BeginLengthDelimited();
        WriteEnvelope(writer, definition.ApiVersion, definition.Kind, message);
        writer.EndLengthDelimited(raw);
        writer.EndLengthDelimited(rawExtension);
        var frame = writer.WrittenSpan.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(frame.Length - 4));
        return frame;
    }

    /// <summary>One watch frame carrying an object built for the event (a bookmark's object, an ERROR's Status).</summary>
    public void WriteFrame(IBufferWriter<byte> output, ResourceEventType type, string apiVersion, string kind, byte[] json) =>
        Codec.EncodeWatchFrame(output, EventType(type), apiVersion, kind, json);

    /// <summary>The object's encodings, made once per stored version (and per served apiVersion, which can change the message).</summary>
    private EncodedObject Encoded(ResourceDefinition definition, byte[] stored)
    {
        if (_objects.TryGetValue(stored, out var encoded) && encoded.ApiVersion == definition.ApiVersion)
        {
            return encoded;
        }

        var buffer = new ArrayBufferWriter<byte>(stored.Length);
        Codec.EncodeMessage(buffer, definition.ApiVersion, definition.Kind, stored);
        encoded = new EncodedObject(definition.ApiVersion, buffer.WrittenSpan.ToArray());
        _objects.AddOrUpdate(stored, encoded);
        return encoded;
    }

    /// <summary>"k8s\0" + runtime.Unknown{typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2 (the message), contentEncoding, contentType}.</summary>
    private static void WriteEnvelope(ProtobufWriter writer, string apiVersion, string kind, byte[] message)
    {
        writer.WriteRaw(ProtobufCodec.Magic);
        writer.WriteTag(0x0A);
        var typeMeta = writer.BeginLengthDelimited();
        writer.WriteTag(0x0A);
        writer.WriteString(apiVersion);
        writer.WriteTag(0x12);
        writer.WriteString(kind);
        writer.EndLengthDelimited(typeMeta);
        writer.WriteTag(0x12);
        writer.WriteBytes(message);
        writer.WriteRaw(EnvelopeEnd);
    }

    /// <summary>An encoded envelope's typeMeta field (tag, length and content) and its raw's content.</summary>
    private static (byte[] TypeMeta, byte[] Raw) SplitEnvelope(ReadOnlySpan<byte> body)
    {
        var reader = new ProtobufReader(body[ProtobufCodec.Magic.Length..]);
        byte[] typeMeta = [];
        byte[] raw = [];
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            var value = wireType == 2 ? reader.ReadLengthDelimited() : default;
            if (field == 1)
            {
                using var withTag = new ProtobufWriter(value.Length + 8);
                withTag.WriteTag(0x0A);
                withTag.WriteBytes(value);
                typeMeta = withTag.WrittenSpan.ToArray();
            }
            else if (field == 2)
            {
                raw = value.ToArray();
            }
        }

        return (typeMeta, raw);
    }

    private static void WriteTagAndLength(PipeWriter output, byte tag, ulong length)
    {
        var span = output.GetSpan(11);
        span[0] = tag;
        var i = 1;
        while (length >= 0x80)
        {
            span[i++] = (byte)(length | 0x80);
            length >>= 7;
        }

        span[i++] = (byte)length;
        output.Advance(i);
    }

    private static string EventType(ResourceEventType type) => type switch
    {
        ResourceEventType.Added => "ADDED",
        ResourceEventType.Modified => "MODIFIED",
        ResourceEventType.Deleted => "DELETED",
        ResourceEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    /// <summary>
    /// One stored object version's encodings: the message, and lazily its whole body and its latest watch frame. Two
    /// requests racing to fill Body or Frame make equal bytes, so the last write winning is harmless.
    /// </summary>
    private sealed class EncodedObject(string apiVersion, byte[] message)
    {
        public string ApiVersion { get; } = apiVersion;

        public byte[] Message { get; } = message;

        public byte[]? Body { get; set; }

        public WatchFrame? Frame { get; set; }
    }

    private sealed record WatchFrame(ResourceEventType Type, byte[] Bytes);
}
