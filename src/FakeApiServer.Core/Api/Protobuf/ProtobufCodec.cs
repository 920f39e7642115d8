using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Kubernetes protobuf (application/vnd.kubernetes.protobuf) ⇄ the server's JSON form, for every kind with a protobuf
/// message, driven by the embedded field tables (Tables/). Immutable; built once from the tables. The host creates one
/// and shares it.
/// </summary>
internal sealed class ProtobufCodec
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>"k8s\0", the 4 bytes before every protobuf object.</summary>
    internal static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    private const string MagicText = "[107 56 115 0]";

    private readonly Lazy<LoadedTables> _tables;
    private readonly ProtobufToJson.EnvelopeDecoder _nestedEnvelope;

    private ProtobufCodec(Func<ProtobufSchema> load)
    {
        // The tables are read on the first protobuf request, not at start: most clients (and most test fixtures) speak
        // JSON only, and building every message's lookups costs tens of milliseconds.
        _tables = new Lazy<LoadedTables>(() => new LoadedTables(load()), LazyThreadSafetyMode.ExecutionAndPublication);
        _nestedEnvelope = body => Decode(body);
    }

    internal ProtobufSchema Schema => _tables.Value.Schema;

    internal ProtobufKinds Kinds => _tables.Value.Kinds;

    private ProtobufMessage WatchEventMessage => _tables.Value.WatchEvent;

    /// <summary>A codec over the embedded tables, which it reads on first use.</summary>
    public static ProtobufCodec Create() => new(ProtobufSchema.Load);

    /// <summary>True when apiVersion/kind has a protobuf message (built-in kinds, lists, the meta kinds); false for custom resources and Table.</summary>
    public bool Supports(string apiVersion, string kind) => Kinds.Find(apiVersion, kind) is not null;

    /// <summary>
    /// Decodes a whole request body (magic + runtime.Unknown) into the object's JSON form, apiVersion and kind taken from
    /// the envelope (empty ones from the defaults).
    /// </summary>
    /// <exception cref="ProtobufFormatException">The body is not a well-formed protobuf object.</exception>
    /// <exception cref="ProtobufUnsupportedKindException">The envelope names a kind with no protobuf form.</exception>
    public JsonObject Decode(ReadOnlySpan<byte> body, string? defaultApiVersion = null, string? defaultKind = null)
    {
        if (body.IsEmpty)
        {
            throw new ProtobufFormatException("empty data");
        }

        if (!body.StartsWith(Magic))
        {
            throw new ProtobufFormatException("provided data does not appear to be a protobuf message, expected prefix " + MagicText);
        }

        if (body.Length == Magic.Length)
        {
            throw new ProtobufFormatException("empty body");
        }

        ReadEnvelope(body[Magic.Length..], out var apiVersion, out var kind, out var raw);
        apiVersion = apiVersion.Length == 0 ? defaultApiVersion ?? "" : apiVersion;
        kind = kind.Length == 0 ? defaultKind ?? "" : kind;
        var message = Kinds.Find(apiVersion, kind) ?? throw new ProtobufUnsupportedKindException(apiVersion, kind);
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        ProtobufToJson.ReadFields(message, raw, obj, _nestedEnvelope);
        return obj;
    }

    /// <summary>Encodes one object (JSON bytes) as magic + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}.</summary>
    public void Encode(IBufferWriter<byte> output, string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        var message = Find(apiVersion, kind);
        using var document = Parse(json);
        using var writer = new ProtobufWriter();
        WriteEnvelope(writer, apiVersion, kind, message, document.RootElement);
        output.Write(writer.WrittenSpan);
    }

    public byte[] Encode(string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        var output = new ArrayBufferWriter<byte>();
        Encode(output, apiVersion, kind, json);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The bare message bytes of an object (no magic, no envelope), as a list's items hold them.</summary>
    public void EncodeMessage(IBufferWriter<byte> output, string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        var message = Find(apiVersion, kind);
        using var document = Parse(json);
        using var writer = new ProtobufWriter();
        JsonToProtobuf.WriteMessage(writer, message, document.RootElement);
        output.Write(writer.WrittenSpan);
    }

    /// <summary>Encodes a list (its ListMeta JSON and its items' JSON) in the envelope of apiVersion/listKind.</summary>
    public void EncodeList(IBufferWriter<byte> output, string apiVersion, string listKind, string itemKind,
                           ReadOnlySpan<byte> listMetaJson, IEnumerable<ReadOnlyMemory<byte>> itemsJson)
    {
        var list = Find(apiVersion, listKind);
        var items = list.Fields.FirstOrDefault(f => f.JsonName == "items" && f.Label == ProtobufLabel.Repeated)
            ?? throw new ArgumentException($"{list.FullName} is not a list", nameof(listKind));
        var metadata = list.Fields.FirstOrDefault(f => f.JsonName == "metadata");
        if (Kinds.Find(apiVersion, itemKind) is { } itemMessage && itemMessage != items.Message && items.Message!.Special == SpecialMessage.None)
        {
            throw new ArgumentException($"{list.FullName} holds {items.Message.Name}, not {itemKind}", nameof(itemKind));
        }

        using var writer = new ProtobufWriter(16 * 1024);
        WriteMagic(writer);
        var raw = WriteEnvelopeStart(writer, apiVersion, listKind);
        using (var listMeta = Parse(listMetaJson))
        {
            // Ascending field numbers: metadata = 1, items = 2 (meta.k8s.io/v1beta1 PartialObjectMetadataList: the reverse).
            if (metadata is not null && metadata.Number < items.Number)
            {
                WriteNested(writer, metadata, listMeta.RootElement);
            }

            foreach (var item in itemsJson)
            {
                using var itemDocument = Parse(item.Span);
                WriteNested(writer, items, itemDocument.RootElement);
            }

            if (metadata is not null && metadata.Number > items.Number)
            {
                WriteNested(writer, metadata, listMeta.RootElement);
            }
        }

        WriteEnvelopeEnd(writer, raw);
        output.Write(writer.WrittenSpan);
    }

    /// <summary>One watch frame: 4-byte big-endian length + meta.v1.WatchEvent{type, object = RawExtension{raw = Encode(obj)}}.</summary>
    public void EncodeWatchFrame(IBufferWriter<byte> output, string type, string apiVersion, string kind, ReadOnlySpan<byte> json)
    {
        var message = Find(apiVersion, kind);
        using var document = Parse(json);
        using var writer = new ProtobufWriter();
        writer.WriteRaw([0, 0, 0, 0]);
        writer.WriteTag(0x0A);
        writer.WriteString(type);
        writer.WriteTag(0x12);
        var rawExtension = writer.BeginLengthDelimited();
        writer.WriteTag(0x0A);
        var raw = writer.BeginLengthDelimited();
        WriteEnvelope(writer, apiVersion, kind, message, document.RootElement);
        writer.EndLengthDelimited(raw);
        writer.EndLengthDelimited(rawExtension);
        var frame = writer.WrittenSpan;
        var span = output.GetSpan(frame.Length);
        frame.CopyTo(span);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)(frame.Length - 4));
        output.Advance(frame.Length);
    }

    /// <summary>Decodes one watch frame's WatchEvent (after the 4-byte length) into {type, object}.</summary>
    public JsonObject DecodeWatchEvent(ReadOnlySpan<byte> watchEvent)
    {
        var obj = new JsonObject();
        ProtobufToJson.ReadFields(WatchEventMessage, watchEvent, obj, _nestedEnvelope);
        return obj;
    }

    private ProtobufMessage Find(string apiVersion, string kind) =>
        Kinds.Find(apiVersion, kind) ?? throw new ProtobufUnsupportedKindException(apiVersion, kind);

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        return JsonDocument.ParseValue(ref reader);
    }

    private static void WriteEnvelope(ProtobufWriter writer, string apiVersion, string kind, ProtobufMessage message, JsonElement value)
    {
        WriteMagic(writer);
        var raw = WriteEnvelopeStart(writer, apiVersion, kind);
        JsonToProtobuf.WriteMessage(writer, message, value);
        WriteEnvelopeEnd(writer, raw);
    }

    private static void WriteMagic(ProtobufWriter writer) => writer.WriteRaw(Magic);

    /// <summary>runtime.Unknown up to the start of raw (field 2, always written, even empty): returns the raw's start.</summary>
    private static int WriteEnvelopeStart(ProtobufWriter writer, string apiVersion, string kind)
    {
        writer.WriteTag(0x0A);
        var typeMeta = writer.BeginLengthDelimited();
        writer.WriteTag(0x0A);
        writer.WriteString(apiVersion);
        writer.WriteTag(0x12);
        writer.WriteString(kind);
        writer.EndLengthDelimited(typeMeta);
        writer.WriteTag(0x12);
        return writer.BeginLengthDelimited();
    }

    /// <summary>Closes raw and writes contentEncoding = 3 and contentType = 4, empty, as Go always does.</summary>
    private static void WriteEnvelopeEnd(ProtobufWriter writer, int raw)
    {
        writer.EndLengthDelimited(raw);
        writer.WriteRaw([0x1A, 0x00, 0x22, 0x00]);
    }

    private static void WriteNested(ProtobufWriter writer, ProtobufField field, JsonElement value)
    {
        writer.WriteTag(field.Tag);
        var start = writer.BeginLengthDelimited();
        JsonToProtobuf.WriteMessage(writer, field.Message!, value);
        writer.EndLengthDelimited(start);
    }

    /// <summary>runtime.Unknown: typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2; contentEncoding/contentType ignored.</summary>
    private static void ReadEnvelope(ReadOnlySpan<byte> envelope, out string apiVersion, out string kind, out ReadOnlySpan<byte> raw)
    {
        apiVersion = "";
        kind = "";
        raw = default;
        try
        {
            var reader = new ProtobufReader(envelope);
            while (!reader.End)
            {
                var (field, wireType) = reader.ReadTag();
                if (field is 1 or 2 or 3 or 4 && wireType != 2)
                {
                    throw new ProtobufFormatException($"wrong wire type {wireType} for field {field}");
                }

                switch (field)
                {
                    case 1:
                        var typeMeta = new ProtobufReader(reader.ReadLengthDelimited());
                        while (!typeMeta.End)
                        {
                            var (f, w) = typeMeta.ReadTag();
                            if (f is 1 or 2 && w != 2)
                            {
                                throw new ProtobufFormatException($"wrong wire type {w} for typeMeta field {f}");
                            }

                            if (f is 1 or 2)
                            {
                                var text = System.Text.Encoding.UTF8.GetString(typeMeta.ReadLengthDelimited());
                                (apiVersion, kind) = f == 1 ? (text, kind) : (apiVersion, text);
                            }
                            else
                            {
                                typeMeta.Skip(w);
                            }
                        }

                        break;
                    case 2:
                        raw = reader.ReadLengthDelimited();
                        break;
                    default:
                        reader.Skip(wireType);
                        break;
                }
            }
        }
        catch (ProtobufFormatException e) when (!e.Located)
        {
            throw new ProtobufFormatException("runtime.Unknown envelope: " + e.Message, e) { Located = true };
        }
    }

    /// <summary>The schema and what is derived from it, built together once.</summary>
    private sealed class LoadedTables(ProtobufSchema schema)
    {
        public ProtobufSchema Schema { get; } = schema;

        public ProtobufKinds Kinds { get; } = new(schema);

        public ProtobufMessage WatchEvent { get; } = schema["k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent"];
    }
}
