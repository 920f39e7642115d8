using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Api;

/// <summary>
/// The one place where errors become metav1.Status responses (kube-apiserver's ErrorToAPIStatus): an
/// <see cref="ApiException"/> keeps its code, reason and details; anything else is a 500 logged as a bug.
/// </summary>
internal static partial class ApiErrors
{
    /// <summary>
    /// Writes a Failure Status for <paramref name="error"/>: in protobuf when <paramref name="protobuf"/> is given and
    /// the client prefers it (Status has a protobuf form under every path, custom resources' too), in JSON otherwise.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, Exception error, ILogger logger, ProtobufResponses? protobuf = null)
    {
        var api = error as ApiException;
        if (error is StorageException storage)
        {
            // The store failed (disk full, read-only), not the server's code: a 500 as kube-apiserver answers
            // etcd errors, already logged by the store, and nothing was written.
            api = new ApiException(500, "InternalError", "Internal error occurred: " + storage.Message);
        }
        else if (api is null)
        {
            Log.UnhandledError(logger, context.Request.Method, context.Request.Path, error);
            api = new ApiException(500, "InternalError", "Internal error occurred: " + error.Message);
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        await WriteStatusAsync(context, api.Code, StatusBytes(api), protobuf);
    }

    /// <summary>Writes a Status (given as JSON) as the client prefers: protobuf (when <paramref name="protobuf"/> is given) or JSON.</summary>
    public static async Task WriteStatusAsync(HttpContext context, int code, byte[] statusJson, ProtobufResponses? protobuf)
    {
        Observability.Audit.RequestAudit.Of(context)?.LogResponseObject(statusJson);
        context.Response.StatusCode = code;
        if (protobuf is not null && MediaTypes.PrefersProtobuf(context.Request.Headers.Accept))
        {
            context.Response.ContentType = MediaTypes.Protobuf;
            await context.Response.Body.WriteAsync(protobuf.Built("v1", "Status", statusJson), context.RequestAborted);
            return;
        }

        context.Response.ContentType = MediaTypes.Json;
        await JsonBody.WriteAsync(context, statusJson);
    }

    /// <summary>The Status object for an error, as JSON bytes (also the object of a watch ERROR event).</summary>
    public static byte[] StatusBytes(ApiException error)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
        {
            WriteStatus(writer, error);
        }

        return buffer.ToArray();
    }

    public static void WriteStatus(Utf8JsonWriter writer, ApiException error)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Status");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartObject("metadata");
        writer.WriteEndObject();
        writer.WriteString("status", "Failure");
        writer.WriteString("message", error.Message);
        writer.WriteString("reason", error.Reason);
        if (error.Details is { } details)
        {
            WriteDetails(writer, details);
        }

        writer.WriteNumber("code", error.Code);
        writer.WriteEndObject();
    }

    /// <summary>A Success Status, as a delete that removed the object at once answers.</summary>
    public static byte[] SuccessBytes(StatusDetails details)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ObjectJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "Status");
            writer.WriteString("apiVersion", "v1");
            writer.WriteStartObject("metadata");
            writer.WriteEndObject();
            writer.WriteString("status", "Success");
            WriteDetails(writer, details);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteDetails(Utf8JsonWriter writer, StatusDetails details)
    {
        writer.WriteStartObject("details");
        if (details.Name is { Length: > 0 } name)
        {
            writer.WriteString("name", name);
        }

        if (details.Group is { Length: > 0 } group)
        {
            writer.WriteString("group", group);
        }

        if (details.Kind is { Length: > 0 } kind)
        {
            writer.WriteString("kind", kind);
        }

        if (details.Uid is { Length: > 0 } uid)
        {
            writer.WriteString("uid", uid);
        }

        if (details.Causes.Count > 0)
        {
            writer.WriteStartArray("causes");
            foreach (var cause in details.Causes)
            {
                writer.WriteStartObject();
                writer.WriteString("reason", cause.Reason);
                writer.WriteString("message", cause.Message);
                writer.WriteString("field", cause.Field);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (details.RetryAfterSeconds > 0)
        {
            writer.WriteNumber("retryAfterSeconds", details.RetryAfterSeconds);
        }

        writer.WriteEndObject();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}; this is a bug")]
        public static partial void UnhandledError(ILogger logger, string method, string path, Exception error);
    }
}
