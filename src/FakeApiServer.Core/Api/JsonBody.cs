using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Finishes a JSON response body as kube-apiserver's JSON serializer does: the compact form is Go's json.Encoder
/// output, so it ends with a newline; the pretty form (<c>?pretty=true</c>, <c>pretty=1</c> in the Accept media type,
/// or a curl/Wget/browser user agent) is json.MarshalIndent with two spaces and no trailing newline.
/// Only JSON bodies go through here: protobuf and YAML bodies have their own framing.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonWriterOptions PrettyOptions = ObjectJson.WriterOptions with { Indented = true, IndentSize = 2, NewLine = "\n" };

    /// <summary>
    /// Whether the response is pretty-printed, as upstream's negotiation decides: a <c>pretty</c> query parameter
    /// that is set wins (parsed as Go's strconv.ParseBool, anything else is false); without it, a <c>pretty=1</c>
    /// parameter on the accepted media type or a user agent starting with curl, Wget or Mozilla/5.0.
    /// </summary>
    public static bool IsPretty(HttpRequest request)
    {
        if (request.Query["pretty"].ToString() is { Length: > 0 } pretty)
        {
            return pretty is "1" or "t" or "T" or "true" or "TRUE" or "True";
        }

        if (request.Headers.Accept.ToString().Contains("pretty=1", StringComparison.Ordinal))
        {
            return true;
        }

        var agent = request.Headers.UserAgent.ToString();
        return agent.StartsWith("curl", StringComparison.Ordinal)
            || agent.StartsWith("Wget", StringComparison.Ordinal)
            || agent.StartsWith("Mozilla/5.0", StringComparison.Ordinal);
    }

    /// <summary>Writes a complete compact JSON document as the body: newline-terminated, or re-indented when pretty.</summary>
    public static ValueTask WriteAsync(HttpContext context, ReadOnlyMemory<byte> json)
    {
        var pipe = context.Response.BodyWriter;
        if (IsPretty(context.Request))
        {
            WriteIndented(pipe, json.Span);
        }
        else
        {
            pipe.Write(json.Span);
            pipe.Write("\n"u8);
        }

        return FlushAsync(pipe, context.RequestAborted);
    }

    /// <summary>Ends a compact document already streamed to the pipe (a long list) as the encoder does: with a newline.</summary>
    public static void EndStreamed(PipeWriter pipe) => pipe.Write(StreamedEnd);

    /// <summary>The bytes <see cref="EndStreamed"/> writes.</summary>
    public static ReadOnlySpan<byte> StreamedEnd => "\n"u8;

    /// <summary>The pretty form of a compact document: two-space indentation, no trailing newline (json.MarshalIndent).</summary>
    public static byte[] Indent(ReadOnlySpan<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length * 2);
        WriteIndented(buffer, json);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIndented(IBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1024 });
        using var document = JsonDocument.ParseValue(ref reader);
        using var writer = new Utf8JsonWriter(output, PrettyOptions);
        document.WriteTo(writer);
    }

    private static async ValueTask FlushAsync(PipeWriter pipe, CancellationToken cancellationToken) => await pipe.FlushAsync(cancellationToken);
}
