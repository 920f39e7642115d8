using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Api.OpenApi;

/// <summary>
/// Encodes the /openapi/v2 document as gnostic's openapi_v2.Document protobuf
/// (application/com.github.proto-openapi.spec.v2.v1.0+protobuf), the form kubectl 1.27 and client-go ask for.
/// Field numbers are those of github.com/google/gnostic openapiv2/OpenAPIv2.proto. Vendor extensions, defaults, enums
/// and examples are Any messages carrying their value as YAML text (JSON, which is YAML), as gnostic's compiler fills them.
/// </summary>
internal static class OpenApiV2Protobuf
{
    public static byte[] Encode(JsonObject document)
    {
        var writer = new Message();
        writer.String(1, document.GetString("swagger"));
        if (document["info"] is JsonObject info)
        {
            writer.Nested(2, m =>
            {
                m.String(1, info.GetString("title"));
                m.String(2, info.GetString("version"));
            });
        }

        if (document["paths"] is JsonObject paths)
        {
            writer.Nested(8, m =>
            {
                foreach (var (path, item) in paths)
                {
                    m.Nested(2, named =>
                    {
                        named.String(1, path);
                        named.Nested(2, p => PathItem(p, item as JsonObject ?? []));
                    });
                }
            });
        }

        if (document["definitions"] is JsonObject definitions)
        {
            writer.Nested(9, m => NamedSchemas(m, definitions));
        }

        return writer.ToArray();
    }

    private static void PathItem(Message m, JsonObject item)
    {
        foreach (var (method, field) in new[] { ("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("patch", 8) })
        {
            if (item[method] is JsonObject operation)
            {
                m.Nested(field, o => Operation(o, operation));
            }
        }
    }

    private static void Operation(Message m, JsonObject operation)
    {
        m.String(3, operation.GetString("description"));
        m.String(5, operation.GetString("operationId"));
        m.Strings(6, operation["produces"]);
        m.Strings(7, operation["consumes"]);
        foreach (var parameter in (operation["parameters"] as JsonArray ?? []).OfType<JsonObject>())
        {
            m.Nested(8, item => item.Nested(1, p => Parameter(p, parameter)));
        }

        if (operation["responses"] is JsonObject responses)
        {
            m.Nested(9, r =>
            {
                foreach (var (code, response) in responses)
                {
                    r.Nested(1, named =>
                    {
                        named.String(1, code);
                        named.Nested(2, value => value.Nested(1, body =>
                        {
                            body.String(1, (response as JsonObject)?.GetString("description"));
                            if (response?["schema"] is JsonObject schema)
                            {
                                body.Nested(2, item => item.Nested(1, s => Schema(s, schema)));
                            }
                        }));
                    });
                }
            });
        }

        m.Strings(10, operation["schemes"]);
        VendorExtensions(m, 13, operation);
    }

    private static void Parameter(Message m, JsonObject parameter)
    {
        if (parameter.GetString("in") == "body")
        {
            m.Nested(1, body =>
            {
                body.String(1, parameter.GetString("description"));
                body.String(2, parameter.GetString("name"));
                body.String(3, "body");
                body.Bool(4, parameter["required"]?.GetValue<bool>() ?? false);
                if (parameter["schema"] is JsonObject schema)
                {
                    body.Nested(5, s => Schema(s, schema));
                }
            });
            return;
        }

        // NonBodyParameter: query parameters (3) and path parameters (4) are the only ones the API has.
        var path = parameter.GetString("in") == "path";
        m.Nested(2, nonBody => nonBody.Nested(path ? 4 : 3, q =>
        {
            q.Bool(1, parameter["required"]?.GetValue<bool>() ?? false);
            q.String(2, parameter.GetString("in"));
            q.String(3, parameter.GetString("description"));
            q.String(4, parameter.GetString("name"));
            q.String(path ? 5 : 6, parameter.GetString("type"));
            if (!path)
            {
                q.Bool(20, parameter["uniqueItems"]?.GetValue<bool>() ?? false);
            }
        }));
    }

    private static void NamedSchemas(Message m, JsonObject schemas)
    {
        foreach (var (name, schema) in schemas)
        {
            m.Nested(1, named =>
            {
                named.String(1, name);
                named.Nested(2, s => Schema(s, schema as JsonObject ?? []));
            });
        }
    }

    private static void Schema(Message m, JsonObject schema)
    {
        m.String(1, schema.GetString("$ref"));
        m.String(2, schema.GetString("format"));
        m.String(3, schema.GetString("title"));
        m.String(4, schema.GetString("description"));
        AnyField(m, 5, schema["default"]);
        m.Double(6, schema["multipleOf"]);
        m.Double(7, schema["maximum"]);
        m.Bool(8, schema["exclusiveMaximum"] is JsonValue xmax && xmax.GetValueKind() == JsonValueKind.True);
        m.Double(9, schema["minimum"]);
        m.Bool(10, schema["exclusiveMinimum"] is JsonValue xmin && xmin.GetValueKind() == JsonValueKind.True);
        m.Int64(11, schema["maxLength"]);
        m.Int64(12, schema["minLength"]);
        m.String(13, schema.GetString("pattern"));
        m.Int64(14, schema["maxItems"]);
        m.Int64(15, schema["minItems"]);
        m.Bool(16, schema["uniqueItems"] is JsonValue unique && unique.GetValueKind() == JsonValueKind.True);
        m.Int64(17, schema["maxProperties"]);
        m.Int64(18, schema["minProperties"]);
        m.Strings(19, schema["required"]);
        foreach (var value in schema["enum"] as JsonArray ?? [])
        {
            AnyField(m, 20, value ?? JsonValue.Create((string?)null));
        }

        switch (schema["additionalProperties"])
        {
            case JsonObject additional:
                m.Nested(21, a => a.Nested(1, s => Schema(s, additional)));
                break;
            case JsonValue allowed when allowed.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                m.Nested(21, a => a.Bool(2, allowed.GetValueKind() == JsonValueKind.True, always: true));
                break;
        }

        switch (schema["type"])
        {
            case JsonValue type:
                m.Nested(22, t => t.String(1, type.GetValue<string>()));
                break;
            case JsonArray types:
                m.Nested(22, t => t.Strings(1, types));
                break;
        }

        switch (schema["items"])
        {
            case JsonObject items:
                m.Nested(23, i => i.Nested(1, s => Schema(s, items)));
                break;
            case JsonArray items:
                m.Nested(23, i =>
                {
                    foreach (var item in items.OfType<JsonObject>())
                    {
                        i.Nested(1, s => Schema(s, item));
                    }
                });
                break;
        }

        foreach (var part in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>())
        {
            m.Nested(24, s => Schema(s, part));
        }

        if (schema["properties"] is JsonObject properties)
        {
            m.Nested(25, p => NamedSchemas(p, properties));
        }

        m.String(26, schema.GetString("discriminator"));
        m.Bool(27, schema["readOnly"] is JsonValue readOnly && readOnly.GetValueKind() == JsonValueKind.True);
        AnyField(m, 30, schema["example"]);
        VendorExtensions(m, 31, schema);
    }

    private static void VendorExtensions(Message m, int field, JsonObject obj)
    {
        foreach (var (name, value) in obj)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal))
            {
                m.Nested(field, named =>
                {
                    named.String(1, name);
                    named.Nested(2, any => any.String(2, Yaml(value)));
                });
            }
        }
    }

    private static void AnyField(Message m, int field, JsonNode? value)
    {
        if (value is not null || field == 20)
        {
            m.Nested(field, any => any.String(2, Yaml(value)));
        }
    }

    /// <summary>A value as gnostic's Any.yaml holds it: YAML text, here its JSON form (a string stays plain when YAML reads it back the same).</summary>
    private static string Yaml(JsonNode? value) => value is null ? "null\n" : value.ToJsonString() + "\n";

    /// <summary>A protobuf message being written: tags, varints and length-delimited fields, nested messages buffered.</summary>
    private sealed class Message
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        public void String(int field, string? value, bool always = false)
        {
            if (value is null || (value.Length == 0 && !always))
            {
                return;
            }

            Tag(field, 2);
            var bytes = Encoding.UTF8.GetBytes(value);
            Varint((ulong)bytes.Length);
            _buffer.Write(bytes);
        }

        public void Strings(int field, JsonNode? values)
        {
            foreach (var value in values as JsonArray ?? [])
            {
                String(field, value?.GetValue<string>(), always: true);
            }
        }

        public void Bool(int field, bool value, bool always = false)
        {
            if (value || always)
            {
                Tag(field, 0);
                Varint(value ? 1UL : 0UL);
            }
        }

        public void Int64(int field, JsonNode? value)
        {
            if (value is JsonValue v && v.TryGetValue(out long number))
            {
                Tag(field, 0);
                Varint(unchecked((ulong)number));
            }
        }

        public void Double(int field, JsonNode? value)
        {
            if (value is JsonValue v && v.TryGetValue(out double number))
            {
                Tag(field, 1);
                BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), number);
                _buffer.Advance(8);
            }
        }

        public void Nested(int field, Action<Message> write)
        {
            var nested = new Message();
            write(nested);
            Tag(field, 2);
            Varint((ulong)nested._buffer.WrittenCount);
            _buffer.Write(nested._buffer.WrittenSpan);
        }

        private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.Write([(byte)(value | 0x80)]);
                value >>= 7;
            }

            _buffer.Write([(byte)value]);
        }
    }
}
