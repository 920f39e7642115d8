using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Writes objects, lists and tables, in JSON or (built-in kinds, when the client prefers it) protobuf. Stored objects
/// are already JSON bytes: a get or a list copies them to the response as they are (encode once); only tables parse
/// them; protobuf bodies come from <see cref="ProtobufResponses"/>, which encodes each stored version once.
/// </summary>
internal static class ObjectResponses
{
    /// <summary>How much of a list is buffered before it is flushed to the client.</summary>
    private const int ListFlushBytes = 256 * 1024;

    public static async Task WriteObjectAsync(HttpContext context, ResourceDefinition definition, byte[] json, int statusCode, ApiContext api)
    {
        Observability.Audit.RequestAudit.Of(context)?.LogResponseObject(definition, json);
        var form = NegotiateObject(context.Request.Headers.Accept, definition, api);
        context.Response.StatusCode = statusCode;
        if (form == MediaTypes.ResourceForm.Protobuf)
        {
            context.Response.ContentType = MediaTypes.Protobuf;
            await context.Response.Body.WriteAsync(api.Protobuf.Object(definition, json), context.RequestAborted);
            return;
        }

        json = definition.ServedBytes(json);
        if (form == MediaTypes.ResourceForm.Json)
        {
            context.Response.ContentType = MediaTypes.Json;
            await JsonBody.WriteAsync(context, json);
            return;
        }

        var obj = ObjectJson.Parse(json);
        await WriteTableAsync(context, definition, form, [obj], obj.ResourceVersion() ?? "", null, null, api.Time.GetUtcNow());
    }

    // Apart from WriteObjectAsync, whose lambda capturing its parameters would be allocated on every call: without an
    // Accept header the answer is JSON (as NegotiateResource says) and no lambda is made.
    private static MediaTypes.ResourceForm NegotiateObject(string? accept, ResourceDefinition definition, ApiContext api) =>
        string.IsNullOrWhiteSpace(accept) ? MediaTypes.ResourceForm.Json : NegotiateAccept(accept, definition, api);

    private static MediaTypes.ResourceForm NegotiateAccept(string accept, ResourceDefinition definition, ApiContext api) =>
        MediaTypes.NegotiateResource(accept, () => api.Protobuf.Serves(definition));

    public static async Task WriteListAsync(HttpContext context, ResourceDefinition definition, ListResult list, ApiContext api)
    {
        var form = MediaTypes.NegotiateResource(context.Request.Headers.Accept, () => api.Protobuf.Serves(definition));
        var rv = list.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = 200;
        if (form is MediaTypes.ResourceForm.Json or MediaTypes.ResourceForm.Protobuf
            && Observability.Audit.RequestAudit.Of(context) is { Level: Observability.Audit.AuditLevel.RequestResponse } audit)
        {
            // Upstream's LogResponseObject encodes the list whole as JSON, whatever the client is sent (a streamed body, protobuf).
            var whole = new ArrayBufferWriter<byte>();
            await WriteListJsonAsync(whole, definition, ListHead(definition, list, rv), list.Items, flushAsync: null);
            audit.LogResponseObject(whole.WrittenSpan);
        }

        if (form == MediaTypes.ResourceForm.Protobuf)
        {
            await WriteProtobufListAsync(context, definition, list, rv, api.Protobuf);
            return;
        }

        if (form != MediaTypes.ResourceForm.Json)
        {
            var objects = list.Items.Select(i => definition.ToServedVersion(ObjectJson.Parse(i.Value))).ToList();
            await WriteTableAsync(context, definition, form, objects, rv, list.Continue, list.RemainingItemCount, api.Time.GetUtcNow());
            return;
        }

        context.Response.ContentType = MediaTypes.Json;
        if (JsonBody.IsPretty(context.Request))
        {
            // Pretty output is for people (curl, browsers): the list is indented whole rather than streamed.
            var buffer = new ArrayBufferWriter<byte>();
            await WriteListJsonAsync(buffer, definition, ListHead(definition, list, rv), list.Items, flushAsync: null);
            await JsonBody.WriteAsync(context, buffer.WrittenMemory);
            return;
        }

        var body = context.Response.BodyWriter;
        var head = ListHead(definition, list, rv);
        if (definition.ServesStoredBytes)
        {
            // The length is known before the first byte: the response is not chunked, so its body goes out in Kestrel's
            // pooled blocks as it is, and a client reads it without chunk framing.
            context.Response.ContentLength = ListJsonLength(head, list.Items) + JsonBody.StreamedEnd.Length;
        }

        await WriteListJsonAsync(body, definition, head, list.Items, () => body.FlushAsync(context.RequestAborted));
        JsonBody.EndStreamed(body);
        await body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteProtobufListAsync(HttpContext context, ResourceDefinition definition, ListResult list, string rv, ProtobufResponses protobuf)
    {
        context.Response.ContentType = MediaTypes.Protobuf;
        byte[] listMeta;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
            {
                WriteListMetaObject(writer, rv, list.Continue, list.RemainingItemCount);
            }

            listMeta = buffer.ToArray();
        }

        var body = context.Response.BodyWriter;
        await protobuf.WriteListAsync(body, definition, listMeta, list.Items.Select(i => i.Value).ToList(), context.RequestAborted);
        await body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteListJsonAsync(
        IBufferWriter<byte> output, ResourceDefinition definition, byte[] head, IReadOnlyList<StoredObject> items, Func<ValueTask<FlushResult>>? flushAsync)
    {
        output.Write(head);
        var unflushed = 0L;
        var first = true;
        foreach (var item in items)
        {
            // Straight into the output, not through a Utf8JsonWriter: its writes ask the pipe for at least 4 KiB, which a
            // chunked response's framing makes 4 KiB and 12 bytes, more than Kestrel's pooled blocks hold, so every such
            // segment came from the shared array pool, and freshly allocated ones once a few concurrent lists emptied it.
            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            var bytes = definition.ServedBytes(item.Value);
            output.Write(bytes);
            unflushed += bytes.Length + 1;

            // Stream a large list instead of buffering it whole: the pipe holds at most one chunk at a time.
            if (flushAsync is not null && unflushed >= ListFlushBytes)
            {
                unflushed = 0;
                await flushAsync();
            }
        }

        output.Write(ListTail);
    }

    /// <summary>What closes a list's JSON after its items.</summary>
    private static ReadOnlySpan<byte> ListTail => "]}"u8;

    /// <summary>The bytes <see cref="WriteListJsonAsync"/> writes for items served as stored: the head, the items, the commas between them and the tail.</summary>
    private static long ListJsonLength(byte[] head, IReadOnlyList<StoredObject> items)
    {
        long length = head.Length + ListTail.Length + Math.Max(items.Count - 1, 0);
        foreach (var item in items)
        {
            length += item.Value.Length;
        }

        return length;
    }

    /// <summary>A list's JSON up to the opening bracket of its items: kind, apiVersion, metadata, "items":[.</summary>
    private static byte[] ListHead(ResourceDefinition definition, ListResult list, string rv)
    {
        var head = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(head, ObjectJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", definition.ListKind);
            writer.WriteString("apiVersion", definition.ApiVersion);
            WriteListMeta(writer, rv, list.Continue, list.RemainingItemCount);
            writer.WritePropertyName("items");
            writer.WriteStartArray();
        }

        return head.WrittenSpan.ToArray();
    }

    public static async Task WriteTableAsync(
        HttpContext context, ResourceDefinition definition, MediaTypes.ResourceForm form, IReadOnlyList<JsonObject> objects,
        string resourceVersion, string? continueToken, long? remaining, DateTimeOffset now)
    {
        var include = IncludeObject(context.Request.Query);
        context.Response.ContentType = form == MediaTypes.ResourceForm.TableV1 ? MediaTypes.TableV1 : MediaTypes.TableV1Beta1;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
        {
            WriteTable(writer, definition, form, objects, resourceVersion, continueToken, remaining, now, include);
        }

        // The Table is what the response carries, so it is the audit's responseObject, as upstream's transformResponseObject logs it.
        Observability.Audit.RequestAudit.Of(context)?.LogResponseObject(buffer.WrittenSpan);
        await JsonBody.WriteAsync(context, buffer.WrittenMemory);
    }

    /// <summary>The Table of a watch event: one row and the column definitions.</summary>
    public static byte[] TableBytes(ResourceDefinition definition, MediaTypes.ResourceForm form, JsonObject obj, DateTimeOffset now, IQueryCollection query)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
        {
            WriteTable(writer, definition, form, [obj], obj.ResourceVersion() ?? "", null, null, now, IncludeObject(query));
        }

        return buffer.ToArray();
    }

    private static void WriteTable(
        Utf8JsonWriter writer, ResourceDefinition definition, MediaTypes.ResourceForm form, IReadOnlyList<JsonObject> objects,
        string resourceVersion, string? continueToken, long? remaining, DateTimeOffset now, string include)
    {
        var apiVersion = form == MediaTypes.ResourceForm.TableV1 ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
        var printer = definition.Table;
        writer.WriteStartObject();
        writer.WriteString("kind", "Table");
        writer.WriteString("apiVersion", apiVersion);
        WriteListMeta(writer, resourceVersion, continueToken, remaining);
        writer.WriteStartArray("columnDefinitions");
        foreach (var column in printer.Columns)
        {
            writer.WriteStartObject();
            writer.WriteString("name", column.Name);
            writer.WriteString("type", column.Type);
            writer.WriteString("format", column.Format);
            writer.WriteString("description", column.Description);
            writer.WriteNumber("priority", column.Priority);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach (var obj in objects)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("cells");
            foreach (var cell in printer.Cells(obj, now))
            {
                WriteCell(writer, cell);
            }

            writer.WriteEndArray();
            switch (include)
            {
                case "Object":
                    writer.WritePropertyName("object");
                    obj.WriteTo(writer);
                    break;
                case "Metadata":
                    writer.WriteStartObject("object");
                    writer.WriteString("kind", "PartialObjectMetadata");
                    writer.WriteString("apiVersion", apiVersion);
                    writer.WritePropertyName("metadata");
                    obj.Metadata().WriteTo(writer);
                    writer.WriteEndObject();
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter writer, object? cell)
    {
        switch (cell)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string IncludeObject(IQueryCollection query)
    {
        var include = query["includeObject"].ToString();
        return include switch
        {
            "" => "Metadata",
            "None" or "Metadata" or "Object" => include,
            _ => throw ApiException.BadRequest($"includeObject: Unsupported value: \"{include}\": supported values: \"Metadata\", \"None\", \"Object\""),
        };
    }

    private static void WriteListMeta(Utf8JsonWriter writer, string resourceVersion, string? continueToken, long? remaining)
    {
        writer.WritePropertyName("metadata");
        WriteListMetaObject(writer, resourceVersion, continueToken, remaining);
    }

    private static void WriteListMetaObject(Utf8JsonWriter writer, string resourceVersion, string? continueToken, long? remaining)
    {
        writer.WriteStartObject();
        writer.WriteString("resourceVersion", resourceVersion);
        if (continueToken is not null)
        {
            writer.WriteString("continue", continueToken);
        }

        if (remaining is { } r)
        {
            writer.WriteNumber("remainingItemCount", r);
        }

        writer.WriteEndObject();
    }

    /// <summary>One watch event line, {"type":"...","object":...}\n, written to the response pipe (not flushed).</summary>
    public static void WriteEvent(PipeWriter body, ResourceEventType type, ReadOnlySpan<byte> obj)
    {
        var prefix = type switch
        {
            ResourceEventType.Added => "{\"type\":\"ADDED\",\"object\":"u8,
            ResourceEventType.Modified => "{\"type\":\"MODIFIED\",\"object\":"u8,
            ResourceEventType.Deleted => "{\"type\":\"DELETED\",\"object\":"u8,
            ResourceEventType.Bookmark => "{\"type\":\"BOOKMARK\",\"object\":"u8,
            _ => "{\"type\":\"ERROR\",\"object\":"u8,
        };
        body.Write(prefix);
        body.Write(obj);
        body.Write("}\n"u8);
    }


}
