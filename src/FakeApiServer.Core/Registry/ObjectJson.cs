using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>Serialization of stored objects: JSON bytes in, JsonObject out, without reflection.</summary>
internal static class ObjectJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// Writer options for everything the server sends: only what JSON requires is escaped (quotes as \", not \u0022),
    /// so bodies read like kube-apiserver's.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        return JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("expected a JSON object");
    }

    public static JsonObject Parse(byte[] utf8) => Parse(utf8.AsSpan());

    /// <summary>A parsed document's root that needs no disposing (its own copy of the bytes), so it may be shared and outlive the call.</summary>
    public static JsonElement ParseElement(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        return JsonElement.ParseValue(ref reader);
    }

    public static byte[] Serialize(JsonNode node)
    {
        using var buffer = new PooledByteBuffer(4096);
        using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Stamps the revision as metadata.resourceVersion and serializes: the encoder the store calls on its writer.</summary>
    public static byte[] StampAndSerialize(JsonObject obj, long revision)
    {
        obj.Metadata()["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Serialize(obj);
    }

    /// <summary>Parses a request body as JSON, or null when it is not a JSON object.</summary>
    public static JsonNode? ParseNode(ReadOnlyMemory<byte> utf8) => JsonNode.Parse(utf8.Span, documentOptions: DocumentOptions);
}
