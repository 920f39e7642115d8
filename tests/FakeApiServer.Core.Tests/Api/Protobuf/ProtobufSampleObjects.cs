using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>
/// Builds, from the field table alone, the JSON of a message with every field set: strings with a quote and a non-ASCII
/// letter, negative numbers, maps with unsorted and non-ASCII keys, two-element lists, inline embeddings, renamed
/// members, every special type, and pointer fields set to their zero value on every other field number (so presence of
/// a zero survives). A message already twice on the path is left out (JSONSchemaProps nests itself).
/// </summary>
internal static class ProtobufSampleObjects
{
    public static JsonObject Object(ProtobufMessage message, string apiVersion, string kind)
    {
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        Fill(message, obj, []);
        return obj;
    }

    private static void Fill(ProtobufMessage message, JsonObject into, List<ProtobufMessage> path)
    {
        path.Add(message);
        foreach (var field in message.Fields)
        {
            if (field.Inline)
            {
                Fill(field.Message!, into, path);
                continue;
            }

            if (Value(field, path) is { } value)
            {
                into[field.JsonName!] = value;
            }
        }

        path.RemoveAt(path.Count - 1);
    }

    private static JsonNode? Value(ProtobufField field, List<ProtobufMessage> path)
    {
        switch (field.Label)
        {
            case ProtobufLabel.Repeated:
                var first = Single(field, path, 0);
                return first is null ? null : new JsonArray(first, Single(field, path, 1));
            case ProtobufLabel.Map:
                var value = Single(field, path, 0);
                return value is null ? null : new JsonObject
                {
                    ["zeta"] = value,
                    ["alpha"] = Single(field, path, 1),
                    ["é-key"] = Single(field, path, 2),
                };
            default:
                return Single(field, path, 0);
        }
    }

    /// <summary>One value of the field's type; null when the message would nest too deep.</summary>
    private static JsonNode? Single(ProtobufField field, List<ProtobufMessage> path, int index)
    {
        var zero = field.Pointer && field.Number % 2 == 1;
        switch (field.Type)
        {
            case ProtobufFieldType.String:
                return zero ? "" : $"{field.JsonName} \"ü\" {index}";
            case ProtobufFieldType.Int32:
                return zero ? 0 : field.Pointer ? 42 + index : -7 - index;
            case ProtobufFieldType.Int64:
                return zero ? 0L : -5_000_000_000L - index;
            case ProtobufFieldType.Bool:
                return !zero;
            case ProtobufFieldType.Double:
                return 1.5 + index;
            case ProtobufFieldType.Bytes:
                return Convert.ToBase64String([0, 1, 2, 0xFF, (byte)index]);
        }

        var message = field.Message!;
        if (path.Count(m => m == message) >= 2)
        {
            return null;
        }

        switch (message.Special)
        {
            case SpecialMessage.Time:
                return $"2024-05-06T07:08:{10 + index}Z";
            case SpecialMessage.MicroTime:
                return $"2024-05-06T07:08:09.12345{index}Z";
            case SpecialMessage.Duration:
                return index == 0 ? "1h2m3.5s" : "-1.5ms";
            case SpecialMessage.Quantity:
                return index == 0 ? "500m" : "1Gi";
            case SpecialMessage.IntOrString:
                return index == 0 ? JsonValue.Create(8080) : "http";
            case SpecialMessage.RawJson:
                return new JsonObject { ["f:spec"] = new JsonObject(), ["n"] = index };
            case SpecialMessage.StringList:
                return new JsonArray("get", $"list-{index}");
            case SpecialMessage.SchemaOrBool when path.Contains(message.Fields[^1].Message!):
                return false;
            case SpecialMessage.SchemaOrStringArray:
                return new JsonArray("a", "b");
            case SpecialMessage.SchemaOrArray or SpecialMessage.SchemaOrBool:
                var schema = message.Fields.First(f => f.Type == ProtobufFieldType.Message && f.Label == ProtobufLabel.Optional).Message!;
                if (path.Count(m => m == schema) >= 2)
                {
                    return null;
                }

                var obj = new JsonObject();
                Fill(schema, obj, [.. path, message]);
                return obj;
            default:
                var nested = new JsonObject();
                Fill(message, nested, path);
                return nested;
        }
    }
}
