using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Decodes an application/vnd.kubernetes.protobuf body (the "k8s\0" magic, then runtime.Unknown: typeMeta, raw) into
/// the object's JSON form, for the kinds in <see cref="ProtobufSchemas"/>; null for other kinds (the caller answers 415,
/// and clients retry with JSON).
/// </summary>
internal static class KubernetesProtobuf
{
    private static readonly byte[] Magic = [(byte)'k', (byte)'8', (byte)'s', 0];

    /// <summary>
    /// The decoded object, or null when the body is not a Kubernetes protobuf envelope or its kind is not decoded (both
    /// answered 415). A known kind whose message is malformed throws <see cref="FormatException"/>.
    /// </summary>
    public static JsonObject? Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            return null;
        }

        if (!TryReadEnvelope(body[Magic.Length..], out var apiVersion, out var kind, out var raw)
            || ProtobufSchemas.MessageFor(apiVersion, kind) is not { } message)
        {
            return null;
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        ReadMessage(raw, message, obj);
        return obj;
    }

    /// <summary>runtime.Unknown: typeMeta (1: apiVersion, 2: kind) and raw (2); false when it is malformed.</summary>
    private static bool TryReadEnvelope(ReadOnlySpan<byte> envelope, out string apiVersion, out string kind, out ReadOnlySpan<byte> raw)
    {
        apiVersion = "";
        kind = "";
        raw = default;
        try
        {
            ReadEnvelope(envelope, ref apiVersion, ref kind, ref raw);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void ReadEnvelope(ReadOnlySpan<byte> envelope, ref string apiVersion, ref string kind, ref ReadOnlySpan<byte> raw)
    {
        var reader = new ProtobufReader(envelope);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == 1 && wireType == 2)
            {
                var typeMeta = new ProtobufReader(reader.ReadLengthDelimited());
                while (!typeMeta.End)
                {
                    var (f, w) = typeMeta.ReadTag();
                    if (w == 2 && f is 1 or 2)
                    {
                        var text = Encoding.UTF8.GetString(typeMeta.ReadLengthDelimited());
                        (apiVersion, kind) = f == 1 ? (text, kind) : (apiVersion, text);
                    }
                    else
                    {
                        typeMeta.Skip(w);
                    }
                }
            }
            else if (field == 2 && wireType == 2)
            {
                raw = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadMessage(ReadOnlySpan<byte> data, string message, JsonObject into)
    {
        var fields = ProtobufSchemas.Messages[message];
        var reader = new ProtobufReader(data);
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            if (!fields.TryGetValue(number, out var field))
            {
                reader.Skip(wireType);
                continue;
            }

            JsonNode? value;
            switch (field.Type)
            {
                case ProtobufFieldType.String when wireType == 2:
                    value = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                case ProtobufFieldType.Bool when wireType == 0:
                    value = reader.ReadVarint() != 0;
                    break;
                case ProtobufFieldType.Int64 when wireType == 0:
                    value = (long)reader.ReadVarint();
                    break;
                case ProtobufFieldType.Message when wireType == 2:
                    var nested = new JsonObject();
                    ReadMessage(reader.ReadLengthDelimited(), field.Message!, nested);
                    value = nested;
                    break;
                case ProtobufFieldType.StringMap or ProtobufFieldType.StringListMap when wireType == 2:
                    var map = into[field.Name] as JsonObject ?? new JsonObject();
                    into[field.Name] = map;
                    ReadMapEntry(reader.ReadLengthDelimited(), field.Type, map);
                    continue;
                default:
                    reader.Skip(wireType);
                    continue;
            }

            if (field.Repeated)
            {
                var list = into[field.Name] as JsonArray ?? new JsonArray();
                into[field.Name] = list;
                list.Add(value);
            }
            else
            {
                into[field.Name] = value;
            }
        }
    }

    /// <summary>One map entry (key = 1, value = 2); an ExtraValue is a message whose field 1 repeats the strings.</summary>
    private static void ReadMapEntry(ReadOnlySpan<byte> entry, ProtobufFieldType type, JsonObject map)
    {
        var reader = new ProtobufReader(entry);
        var key = "";
        JsonNode? value = type == ProtobufFieldType.StringMap ? "" : new JsonArray();
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            if (wireType != 2)
            {
                reader.Skip(wireType);
            }
            else if (number == 1)
            {
                key = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (number == 2 && type == ProtobufFieldType.StringMap)
            {
                value = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (number == 2)
            {
                var items = new JsonArray();
                var inner = new ProtobufReader(reader.ReadLengthDelimited());
                while (!inner.End)
                {
                    var (f, w) = inner.ReadTag();
                    if (f == 1 && w == 2)
                    {
                        items.Add(Encoding.UTF8.GetString(inner.ReadLengthDelimited()));
                    }
                    else
                    {
                        inner.Skip(w);
                    }
                }

                value = items;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        map[key] = value;
    }
}
