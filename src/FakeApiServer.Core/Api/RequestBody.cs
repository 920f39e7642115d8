using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Reads request bodies: at most 3 MiB (kube-apiserver's limit), JSON, YAML or protobuf (built-in kinds,
/// <see cref="ProtobufBodies"/>), always into a JSON tree.
/// </summary>
internal static class RequestBody
{
    /// <summary>kube-apiserver's MaxRequestBodyBytes (3 MiB).</summary>
    public const long MaxBytes = 3 * 1024 * 1024;

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // After a 413 Kestrel reads (and drops) the rest of the body so that the client, still sending, can read the
        // answer, as Go's server does for a small excess; beyond twice the limit (a body of a gigabyte) it closes the
        // connection instead.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = 2 * MaxBytes;
        }

        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge(request);
        }

        // A body of announced length is read straight into an array of that length (a create of 2 KiB allocated
        // 16 KiB of chunk and twice the body in a growing MemoryStream before); a chunked body, or one that turns out
        // longer or shorter than announced, goes on through a stream whose chunk is rented.
        var announced = request.ContentLength is { } length and > 0 ? (int)length : 0;
        var exact = new byte[announced];
        var filled = 0;
        MemoryStream? buffer = null;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while (filled < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer is null)
                {
                    buffer = new MemoryStream(filled + read);
                    buffer.Write(exact, 0, filled);
                }

                if (buffer.Length + read > MaxBytes)
                {
                    throw TooLarge(request);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw TooLarge(request);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel refused the body (shorter than its Content-Length, a malformed chunk size, too slow): the
            // client's fault, answered with Kestrel's code when the client still listens, not logged as a bug.
            throw new ApiException(e.StatusCode, e.StatusCode == 408 ? "Timeout" : "BadRequest", e.Message);
        }
        catch (IOException e)
        {
            // The connection broke (or Kestrel could not parse a chunk size) while the body was read: a normal end
            // when the client is gone, else a 400 for a client that may still listen.
            cancellationToken.ThrowIfCancellationRequested();
            throw ApiException.BadRequest("error reading the request body: " + e.Message);
        }

        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var bytes = buffer is not null ? buffer.ToArray() : filled == exact.Length ? exact : exact[..filled];
        buffer?.Dispose();

        // Go's JSON and YAML decoders read invalid UTF-8 as U+FFFD; System.Text.Json would fail later, deep
        // inside the registry, when it first reads such a string. Replace the bad bytes once, here (text bodies only:
        // a protobuf body is binary, and its strings are checked by the codec).
        return MediaTypes.ContentType(request.ContentType) == MediaTypes.Protobuf || Utf8.IsValid(bytes) ? bytes : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>413 for a body over the limit; the connection is not reused after it.</summary>
    private static ApiException TooLarge(HttpRequest request)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return ApiException.RequestEntityTooLarge(MaxBytes);
    }

    /// <summary>Parses a body as the Content-Type says (YAML for yaml types, JSON otherwise); 400 when malformed.</summary>
    public static JsonNode? Parse(byte[] body, string? contentType) => Parse(body, contentType, out _);

    /// <summary>
    /// <see cref="Parse(byte[], string?)"/>; <paramref name="withoutDuplicates"/> tells that the body was JSON parsed
    /// with duplicate properties refused, so it has none and need not be scanned for them again.
    /// </summary>
    public static JsonNode? Parse(byte[] body, string? contentType, out bool withoutDuplicates)
    {
        withoutDuplicates = false;
        if (body.Length == 0)
        {
            return null;
        }

        if (contentType is MediaTypes.Yaml or MediaTypes.ApplyPatch or "application/x-yaml" or "text/yaml")
        {
            return YamlJson.Parse(body);
        }

        body = LoneSurrogates.Replace(body);
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256, AllowDuplicateProperties = false });
            withoutDuplicates = true;
            return node;
        }
        catch (JsonException e)
        {
            try
            {
                if (FieldValidation.DuplicateFields(body).Count > 0)
                {
                    // Duplicate fields are reported by fieldValidation (400 under Strict); otherwise the last one wins, as in Go.
                    using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
                    return LastWins(document.RootElement);
                }
            }
            catch (JsonException)
            {
                // Malformed after the duplicate as well: the original error below says where.
            }

            throw ApiException.BadRequest("couldn't get version/kind; json parse error: " + e.Message);
        }
    }

    private static JsonNode? LastWins(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = LastWins(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select(LastWins).ToArray());
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    /// <summary>Reads a body that must be one object (create, update, a subresource's object, a review).</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, ExpectedBody expected, CancellationToken cancellationToken) =>
        (await ReadObjectAndBytesAsync(request, expected, cancellationToken)).Object;

    /// <summary>
    /// Reads a body that must be one object, with its raw bytes for duplicate-field checks: empty when the body cannot
    /// hold duplicates (protobuf, whose fields cannot repeat in the JSON it decodes to, and JSON that parsed with
    /// duplicate properties refused), so the check does not read it again.
    /// </summary>
    public static async Task<(JsonObject Object, byte[] Bytes)> ReadObjectAndBytesAsync(HttpRequest request, ExpectedBody expected, CancellationToken cancellationToken)
    {
        var contentType = MediaTypes.ContentType(request.ContentType);
        if (contentType == MediaTypes.Protobuf)
        {
            var decoded = ProtobufBodies.DecodeObject(await ReadBytesAsync(request, cancellationToken), expected);
            Observability.Audit.RequestAudit.Of(request.HttpContext)?.LogRequestObject(decoded);
            return (decoded, []);
        }

        if (contentType is not (null or "" or MediaTypes.Json or MediaTypes.Yaml or "application/x-yaml" or "text/yaml"))
        {
            // CBOR and other types are not served; clients fall back to JSON on 415.
            throw ApiException.UnsupportedMediaType(contentType, expected.ProtobufServed ? ProtobufBodies.AcceptedTypes : ProtobufBodies.AcceptedTypesWithoutProtobuf);
        }

        var bytes = LoneSurrogates.Replace(await ReadBytesAsync(request, cancellationToken));
        var node = Parse(bytes, contentType, out var withoutDuplicates);
        var obj = node as JsonObject ?? throw ApiException.BadRequest(node is null
            ? "the body of the request is empty; an object is required"
            : "the object provided is unrecognized: expected a JSON object");
        Observability.Audit.RequestAudit.Of(request.HttpContext)?.LogRequestObject(obj);
        return (obj, withoutDuplicates ? [] : bytes);
    }

    /// <summary>
    /// Reads an optional options body (DeleteOptions of a delete or deletecollection): null when empty; JSON, YAML or
    /// protobuf (whose envelope may name DeleteOptions under any apiVersion, as upstream registers it in every group).
    /// </summary>
    public static async Task<JsonNode?> ReadOptionsAsync(HttpRequest request, ExpectedBody expected, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(request, cancellationToken);
        var contentType = MediaTypes.ContentType(request.ContentType);
        return bytes.Length == 0 ? null
            : contentType == MediaTypes.Protobuf ? ProtobufBodies.DecodeObject(bytes, expected)
            : Parse(bytes, contentType);
    }
}
