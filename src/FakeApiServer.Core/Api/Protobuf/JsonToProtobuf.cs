using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Encodes the JSON form of a message into protobuf, as Go's generated marshallers do (spec README 4.3-4.6): fields in
/// ascending number order, non-pointer scalars and structs always written (an absent member is the zero value), pointers,
/// <c>[]byte</c> and <c>[]string</c> wrappers only when set (JSON null is unset), map entries sorted by key bytes,
/// repeated scalars unpacked. Members the table does not know are dropped.
/// </summary>
internal static class JsonToProtobuf
{
    private static ReadOnlySpan<byte> Zero => "0"u8;

    /// <summary>Writes the fields of <paramref name="message"/> (no tag, no length) from a JSON value.</summary>
    public static void WriteMessage(ProtobufWriter writer, ProtobufMessage message, JsonElement value)
    {
        switch (message.Special)
        {
            case SpecialMessage.None:
                WriteFields(writer, message, value);
                break;
            case SpecialMessage.Time or SpecialMessage.MicroTime:
                WriteTime(writer, value, message.Special == SpecialMessage.MicroTime);
                break;
            case SpecialMessage.Duration:
                long nanoseconds = 0;
                if (value.ValueKind == JsonValueKind.String && !GoDuration.TryParse(value.GetString()!, out nanoseconds))
                {
                    throw new ProtobufFormatException($"\"{value.GetString()}\" is not a duration");
                }

                writer.WriteTag(0x08);
                writer.WriteSigned(nanoseconds);
                break;
            case SpecialMessage.Quantity:
                writer.WriteTag(0x0A);
                if (value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    WriteJsonText(writer, value);
                }
                else
                {
                    writer.WriteBytes(Zero);
                }

                break;
            case SpecialMessage.IntOrString:
                var isString = value.ValueKind == JsonValueKind.String;
                writer.WriteTag(0x08);
                writer.WriteVarint(isString ? 1UL : 0UL);
                writer.WriteTag(0x10);
                writer.WriteSigned(value.ValueKind == JsonValueKind.Number ? ReadInteger(value) : 0);
                writer.WriteTag(0x1A);
                if (isString)
                {
                    WriteJsonText(writer, value);
                }
                else
                {
                    writer.WriteVarint(0);
                }

                break;
            case SpecialMessage.RawJson:
                if (IsSet(value))
                {
                    writer.WriteTag(0x0A);
                    writer.WriteBytes(JsonMarshal.GetRawUtf8Value(value));
                }

                break;
            case SpecialMessage.StringList:
                if (value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        writer.WriteTag(0x0A);
                        WriteJsonText(writer, item);
                    }
                }

                break;
            default:
                WriteSchemaUnion(writer, message, value);
                break;
        }
    }

    /// <summary>The apiextensions unions: JSONSchemaPropsOrArray, OrBool and OrStringArray.</summary>
    private static void WriteSchemaUnion(ProtobufWriter writer, ProtobufMessage message, JsonElement value)
    {
        var schemaField = message.Fields.First(f => f.Type == ProtobufFieldType.Message);
        switch (message.Special, value.ValueKind)
        {
            case (SpecialMessage.SchemaOrBool, JsonValueKind.True or JsonValueKind.False):
                writer.WriteTag(0x08);
                writer.WriteVarint(value.ValueKind == JsonValueKind.True ? 1UL : 0UL);
                break;
            case (SpecialMessage.SchemaOrBool, JsonValueKind.Object):
                // A schema implies allows = true (UnmarshalJSON sets it), and Go writes allows first.
                writer.WriteTag(0x08);
                writer.WriteVarint(1);
                WriteField(writer, schemaField, value);
                break;
            case (SpecialMessage.SchemaOrBool, _):
                writer.WriteTag(0x08);
                writer.WriteVarint(0);
                break;
            case (_, JsonValueKind.Object):
                WriteField(writer, schemaField, value);
                break;
            case (_, JsonValueKind.Array):
                WriteField(writer, message.Fields.First(f => f.Label == ProtobufLabel.Repeated), value);
                break;
        }
    }

    private static void WriteFields(ProtobufWriter writer, ProtobufMessage message, JsonElement value)
    {
        var fields = message.Fields;
        if (fields.Length == 0)
        {
            return;
        }

        var slots = ArrayPool<JsonElement>.Shared.Rent(fields.Length);
        try
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                Span<char> name = stackalloc char[128];
                foreach (var property in value.EnumerateObject())
                {
                    if (FindField(message, property, name, out var index))
                    {
                        slots[index] = property.Value;
                    }
                }
            }

            for (var i = 0; i < fields.Length; i++)
            {
                WriteField(writer, fields[i], fields[i].Inline ? value : slots[i]);
            }
        }
        finally
        {
            slots.AsSpan(0, fields.Length).Clear();
            ArrayPool<JsonElement>.Shared.Return(slots);
        }
    }

    /// <summary>Looks a member name up without allocating (names are ASCII and unescaped in practice).</summary>
    private static bool FindField(ProtobufMessage message, JsonProperty property, Span<char> scratch, out int index)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length <= scratch.Length && raw.IndexOf((byte)'\\') < 0
            && Encoding.UTF8.TryGetChars(raw, scratch, out var written))
        {
            return message.TryGetFieldIndex(scratch[..written], out index);
        }

        return message.TryGetFieldIndex(property.Name, out index);
    }

    private static bool IsSet(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    private static void WriteField(ProtobufWriter writer, ProtobufField field, JsonElement value)
    {
        switch (field.Label)
        {
            case ProtobufLabel.Optional:
                if (IsSet(value) || !field.WrittenOnlyWhenSet)
                {
                    WriteValue(writer, field, value);
                }

                break;
            case ProtobufLabel.Repeated when value.ValueKind == JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(writer, field, item);
                }

                break;
            case ProtobufLabel.Map when value.ValueKind == JsonValueKind.Object:
                WriteMap(writer, field, value);
                break;
        }
    }

    /// <summary>One entry {key = 1, value = 2} per member, sorted by key bytes as Go sorts strings.</summary>
    private static void WriteMap(ProtobufWriter writer, ProtobufField field, JsonElement value)
    {
        var count = 0;
        foreach (var unused in value.EnumerateObject())
        {
            count++;
        }

        if (count == 0)
        {
            return;
        }

        var entries = ArrayPool<JsonProperty>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var property in value.EnumerateObject())
            {
                entries[n++] = property;
            }

            var span = entries.AsSpan(0, n);
            if (n > 1)
            {
                span.Sort(CompareKeys);
            }

            foreach (var entry in span)
            {
                writer.WriteTag(field.Tag);
                var start = writer.BeginLengthDelimited();
                writer.WriteTag(0x0A);
                WriteKey(writer, entry);
                var item = entry.Value;
                switch (field.Type)
                {
                    case ProtobufFieldType.String:
                        writer.WriteTag(0x12);
                        WriteJsonText(writer, item);
                        break;
                    case ProtobufFieldType.Bytes when IsSet(item):
                        writer.WriteTag(0x12);
                        WriteBase64(writer, item);
                        break;
                    case ProtobufFieldType.Message:
                        writer.WriteTag(0x12);
                        var nested = writer.BeginLengthDelimited();
                        WriteMessage(writer, field.Message!, item);
                        writer.EndLengthDelimited(nested);
                        break;
                }

                writer.EndLengthDelimited(start);
            }
        }
        finally
        {
            entries.AsSpan(0, count).Clear();
            ArrayPool<JsonProperty>.Shared.Return(entries);
        }
    }

    private static int CompareKeys(JsonProperty a, JsonProperty b)
    {
        var rawA = JsonMarshal.GetRawUtf8PropertyName(a);
        var rawB = JsonMarshal.GetRawUtf8PropertyName(b);
        if (rawA.IndexOf((byte)'\\') < 0 && rawB.IndexOf((byte)'\\') < 0)
        {
            return rawA.SequenceCompareTo(rawB);
        }

        return Encoding.UTF8.GetBytes(a.Name).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.Name));
    }

    private static void WriteKey(ProtobufWriter writer, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            writer.WriteBytes(raw);
        }
        else
        {
            writer.WriteString(property.Name);
        }
    }

    private static void WriteValue(ProtobufWriter writer, ProtobufField field, JsonElement value)
    {
        writer.WriteTag(field.Tag);
        switch (field.Type)
        {
            case ProtobufFieldType.String:
                WriteJsonText(writer, value);
                break;
            case ProtobufFieldType.Int32 or ProtobufFieldType.Int64:
                writer.WriteSigned(ReadInteger(value));
                break;
            case ProtobufFieldType.Bool:
                writer.WriteVarint(value.ValueKind == JsonValueKind.True ? 1UL : 0UL);
                break;
            case ProtobufFieldType.Double:
                writer.WriteDouble(value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0);
                break;
            case ProtobufFieldType.Bytes:
                WriteBase64(writer, value);
                break;
            default:
                var start = writer.BeginLengthDelimited();
                WriteMessage(writer, field.Message!, value);
                writer.EndLengthDelimited(start);
                break;
        }
    }

    /// <summary>An integer member; a JSON float with an integral value (1e3) is accepted as Go's decoder does for whole numbers.</summary>
    private static long ReadInteger(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return 0;
        }

        if (value.TryGetInt64(out var number))
        {
            return number;
        }

        return value.TryGetDouble(out var real) ? (long)real : 0;
    }

    /// <summary>A string member as length + UTF-8 (a number's own text for Quantity); absent or null is "".</summary>
    private static void WriteJsonText(ProtobufWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                var inner = raw[1..^1];
                if (inner.IndexOf((byte)'\\') < 0)
                {
                    writer.WriteBytes(inner);
                }
                else
                {
                    writer.WriteString(value.GetString()!);
                }

                break;
            case JsonValueKind.Number:
                writer.WriteBytes(JsonMarshal.GetRawUtf8Value(value));
                break;
            default:
                writer.WriteVarint(0);
                break;
        }
    }

    private static void WriteBase64(ProtobufWriter writer, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            writer.WriteVarint(0);
            return;
        }

        if (!value.TryGetBytesFromBase64(out var bytes))
        {
            throw new ProtobufFormatException($"a bytes field holds \"{value.GetString()}\", which is not base64");
        }

        writer.WriteBytes(bytes);
    }

    private static void WriteTime(ProtobufWriter writer, JsonElement value, bool micro)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var text = value.GetString()!;
        if (!KubernetesTime.TryParse(text, out var seconds, out var nanoseconds))
        {
            throw new ProtobufFormatException($"\"{text}\" is not an RFC 3339 time");
        }

        if (seconds == KubernetesTime.ZeroSeconds && nanoseconds == 0)
        {
            return;
        }

        // Time sends whole seconds (nanos = 0, still written); MicroTime keeps microseconds.
        writer.WriteTag(0x08);
        writer.WriteSigned(seconds);
        writer.WriteTag(0x10);
        writer.WriteSigned(micro ? nanoseconds / 1000 * 1000 : 0);
    }
}
