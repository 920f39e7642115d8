using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Decodes protobuf into the server's JSON form of the message, as Go's JSON of the decoded struct: zero non-pointer
/// scalars left out, pointers kept when present, non-pointer structs always present ({} when empty, null for a zero
/// Time), inline embeddings flattened, renames applied, special messages in their own JSON form. Fields are accepted
/// in any order; unknown numbers are skipped; a field seen twice merges (message) or last wins (scalar).
/// </summary>
internal static class ProtobufToJson
{
    /// <summary>Decodes an envelope (magic + runtime.Unknown) found inside a RawExtension (watch events).</summary>
    public delegate JsonObject EnvelopeDecoder(ReadOnlySpan<byte> body);

    /// <summary>The JSON value of one message.</summary>
    public static JsonNode? ReadMessage(ProtobufMessage message, ReadOnlySpan<byte> data, EnvelopeDecoder envelopes)
    {
        switch (message.Special)
        {
            case SpecialMessage.None:
                var obj = new JsonObject();
                ReadFields(message, data, obj, envelopes);
                return obj;
            case SpecialMessage.Time or SpecialMessage.MicroTime:
                return ReadTime(message, data);
            case SpecialMessage.Duration:
                return GoDuration.Format((long)ScalarOf(message, data, 1));
            case SpecialMessage.Quantity:
                var quantity = StringOf(message, data, 1);
                return string.IsNullOrEmpty(quantity) ? "0" : quantity;
            case SpecialMessage.IntOrString:
                return ScalarOf(message, data, 1) == 1
                    ? JsonValue.Create(StringOf(message, data, 3) ?? "")
                    : JsonValue.Create((int)ScalarOf(message, data, 2));
            case SpecialMessage.RawJson:
                return ReadRawJson(message, data, envelopes);
            case SpecialMessage.StringList:
                var items = new JsonObject();
                ReadFields(message, data, items, envelopes);
                return items[message.Fields[0].JsonName!]?.DeepClone() ?? new JsonArray();
            default:
                var fields = new JsonObject();
                ReadFields(message, data, fields, envelopes);
                return UnionValue(message, fields);
        }
    }

    /// <summary>The JSON of a message absent from the wire (the Go zero value of a non-pointer struct).</summary>
    public static JsonNode? ZeroValue(ProtobufMessage message, EnvelopeDecoder envelopes) => ReadMessage(message, [], envelopes);

    /// <summary>Decodes the fields of a message into <paramref name="into"/> (shared with inline embeddings).</summary>
    public static void ReadFields(ProtobufMessage message, ReadOnlySpan<byte> data, JsonObject into, EnvelopeDecoder envelopes)
    {
        var reader = new ProtobufReader(data);
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            var field = message.FieldByNumber(number);
            if (field is null)
            {
                reader.Skip(wireType);
                continue;
            }

            try
            {
                ReadField(field, wireType, ref reader, into, envelopes);
            }
            catch (ProtobufFormatException e) when (!e.Located)
            {
                throw new ProtobufFormatException($"{message.FullName} field {field}: {e.Message}", e) { Located = true };
            }
        }

        FillZeroStructs(message, into, envelopes);
    }

    private static void ReadField(ProtobufField field, int wireType, ref ProtobufReader reader, JsonObject into, EnvelopeDecoder envelopes)
    {
        var packed = field.Label == ProtobufLabel.Repeated && wireType == 2 && field.WireType != 2;
        if (wireType != field.WireType && !packed)
        {
            throw new ProtobufFormatException($"wrong wire type {wireType} (expected {field.WireType})");
        }

        switch (field.Label)
        {
            case ProtobufLabel.Map:
                var map = into[field.JsonName!] as JsonObject ?? [];
                into[field.JsonName!] = map;
                ReadMapEntry(field, reader.ReadLengthDelimited(), map, envelopes);
                break;
            case ProtobufLabel.Repeated:
                var list = into[field.JsonName!] as JsonArray ?? [];
                into[field.JsonName!] = list;
                if (packed)
                {
                    var elements = new ProtobufReader(reader.ReadLengthDelimited());
                    while (!elements.End)
                    {
                        list.Add(ReadValue(field, ref elements, envelopes));
                    }
                }
                else
                {
                    list.Add(ReadValue(field, ref reader, envelopes));
                }

                break;
            case ProtobufLabel.Optional when field.Inline:
                ReadFields(field.Message!, reader.ReadLengthDelimited(), into, envelopes);
                break;
            case ProtobufLabel.Optional when field.Type == ProtobufFieldType.Message && field.Message!.Special == SpecialMessage.None
                                             && into[field.JsonName!] is JsonObject existing:
                // A message seen twice merges into the first.
                ReadFields(field.Message, reader.ReadLengthDelimited(), existing, envelopes);
                break;
            default:
                var value = ReadValue(field, ref reader, envelopes);
                if (field.WrittenOnlyWhenSet || field.Type == ProtobufFieldType.Message || !IsZero(value))
                {
                    into[field.JsonName!] = value;
                }
                else
                {
                    into.Remove(field.JsonName!);
                }

                break;
        }
    }

    private static bool IsZero(JsonNode? value) => value is JsonValue v && (
        v.TryGetValue<string>(out var text) ? text.Length == 0
        : v.TryGetValue<bool>(out var flag) ? !flag
        : v.TryGetValue<int>(out var small) ? small == 0
        : v.TryGetValue<long>(out var large) ? large == 0
        : v.TryGetValue<double>(out var real) && real == 0);

    private static JsonNode? ReadValue(ProtobufField field, ref ProtobufReader reader, EnvelopeDecoder envelopes)
    {
        switch (field.Type)
        {
            case ProtobufFieldType.String:
                return Utf8(reader.ReadLengthDelimited());
            case ProtobufFieldType.Int32:
                return JsonValue.Create((int)reader.ReadVarint());
            case ProtobufFieldType.Int64:
                return JsonValue.Create((long)reader.ReadVarint());
            case ProtobufFieldType.Bool:
                return JsonValue.Create(reader.ReadVarint() != 0);
            case ProtobufFieldType.Double:
                return JsonValue.Create(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
            case ProtobufFieldType.Bytes:
                return Convert.ToBase64String(reader.ReadLengthDelimited());
            default:
                return ReadMessage(field.Message!, reader.ReadLengthDelimited(), envelopes);
        }
    }

    /// <summary>One map entry {key = 1, value = 2}; a missing value is the empty value (Go's decoder starts from it).</summary>
    private static void ReadMapEntry(ProtobufField field, ReadOnlySpan<byte> entry, JsonObject map, EnvelopeDecoder envelopes)
    {
        var reader = new ProtobufReader(entry);
        var key = "";
        JsonNode? value = null;
        var hasValue = false;
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            if (number == 1 && wireType == 2)
            {
                key = Utf8(reader.ReadLengthDelimited());
            }
            else if (number == 2 && wireType == field.WireType)
            {
                value = ReadValue(field, ref reader, envelopes);
                hasValue = true;
            }
            else if (number is 1 or 2)
            {
                throw new ProtobufFormatException($"wrong wire type {wireType} in a map entry's {(number == 1 ? "key" : "value")}");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        map[key] = hasValue ? value : field.Type switch
        {
            ProtobufFieldType.String or ProtobufFieldType.Bytes => "",
            _ => ZeroValue(field.Message!, envelopes),
        };
    }

    /// <summary>Go's JSON writes non-pointer structs even when empty: add the ones the wire did not carry.</summary>
    private static void FillZeroStructs(ProtobufMessage message, JsonObject into, EnvelopeDecoder envelopes)
    {
        if (message.Special != SpecialMessage.None)
        {
            // The apiextensions unions are pointers to their schema in Go; their JSON is built from what is present.
            return;
        }

        foreach (var field in message.Fields)
        {
            if (field.Label != ProtobufLabel.Optional || field.Type != ProtobufFieldType.Message || field.WrittenOnlyWhenSet)
            {
                continue;
            }

            if (field.Inline)
            {
                FillZeroStructs(field.Message!, into, envelopes);
            }
            else if (!into.ContainsKey(field.JsonName!))
            {
                into[field.JsonName!] = ZeroValue(field.Message!, envelopes);
            }
        }
    }

    private static JsonNode? ReadTime(ProtobufMessage message, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        var seconds = (long)ScalarOf(message, data, 1);
        var micro = message.Special == SpecialMessage.MicroTime;

        // Time ignores nanos when reading; MicroTime keeps whole microseconds.
        var nanoseconds = micro ? (int)ScalarOf(message, data, 2) : 0;
        if (nanoseconds is < 0 or > 999_999_999)
        {
            throw new ProtobufFormatException($"nanos {nanoseconds} is outside 0 to 999999999");
        }

        return seconds == KubernetesTime.ZeroSeconds && nanoseconds / 1000 == 0
            ? null
            : KubernetesTime.Format(seconds, nanoseconds, micro);
    }

    /// <summary>RawExtension, FieldsV1 and apiextensions JSON: the embedded JSON text, or a whole protobuf object.</summary>
    private static JsonNode? ReadRawJson(ProtobufMessage message, ReadOnlySpan<byte> data, EnvelopeDecoder envelopes)
    {
        var reader = new ProtobufReader(data);
        ReadOnlySpan<byte> raw = default;
        var present = false;
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            if (number == 1 && wireType == 2)
            {
                raw = reader.ReadLengthDelimited();
                present = true;
            }
            else if (number == 1)
            {
                throw new ProtobufFormatException($"{message.FullName}: wrong wire type {wireType} for its bytes");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (!present || raw.IsEmpty)
        {
            return null;
        }

        if (raw.StartsWith(ProtobufCodec.Magic))
        {
            return envelopes(raw);
        }

        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw new ProtobufFormatException($"{message.FullName} holds neither JSON nor a protobuf object: {e.Message}", e) { Located = true };
        }
    }

    /// <summary>The JSON of an apiextensions union from its decoded fields (proto names, as their json_name is custom).</summary>
    private static JsonNode? UnionValue(ProtobufMessage message, JsonObject fields)
    {
        var schema = message.Fields.First(f => f.Label == ProtobufLabel.Optional && f.Type == ProtobufFieldType.Message);
        var schemaValue = fields[schema.JsonName!];
        fields.Remove(schema.JsonName!);
        switch (message.Special)
        {
            case SpecialMessage.SchemaOrBool:
                return schemaValue ?? JsonValue.Create(fields["allows"]?.GetValue<bool>() ?? false);
            default:
                var array = message.Fields.First(f => f.Label == ProtobufLabel.Repeated);
                if (fields[array.JsonName!] is JsonArray { Count: > 0 } items)
                {
                    fields.Remove(array.JsonName!);
                    return items;
                }

                return schemaValue;
        }
    }

    /// <summary>The last varint of field <paramref name="number"/> in a small special message (0 when absent).</summary>
    private static ulong ScalarOf(ProtobufMessage message, ReadOnlySpan<byte> data, int number)
    {
        var reader = new ProtobufReader(data);
        ulong value = 0;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == number && wireType == 0)
            {
                value = reader.ReadVarint();
            }
            else if (field == number)
            {
                throw new ProtobufFormatException($"{message.FullName}: wrong wire type {wireType} for field {number}");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return value;
    }

    private static string? StringOf(ProtobufMessage message, ReadOnlySpan<byte> data, int number)
    {
        var reader = new ProtobufReader(data);
        string? value = null;
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == number && wireType == 2)
            {
                value = Utf8(reader.ReadLengthDelimited());
            }
            else if (field == number)
            {
                throw new ProtobufFormatException($"{message.FullName}: wrong wire type {wireType} for field {number}");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return value;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
