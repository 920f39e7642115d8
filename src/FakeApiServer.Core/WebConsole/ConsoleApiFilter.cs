using System.Buffers;
using System.Text.Json;
using FakeApiServer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.WebConsole;

/// <summary>
/// The console's own endpoint, after the security filters (so it is authenticated and authorized as any non-resource
/// path: verb get on /console/api/requests; RBAC grants it through nonResourceURLs, cluster-admin has it):
/// GET /console/api/requests streams the API traffic as JSON lines, the kept requests after <c>?after=N</c> first. The
/// stream ends itself before the request timeout would cut it, and the page reconnects with the last sequence it saw.
/// Only installed when the console is on.
/// </summary>
internal static class ConsoleApiFilter
{
    /// <summary>Below <see cref="ConsoleAssetsFilter.Root"/>: the console's API.</summary>
    public const string ApiPath = "/api";

    private const string RequestsPath = ConsoleAssetsFilter.Root + ApiPath + "/requests";

    /// <summary>How long one stream lasts when requests have no timeout.</summary>
    private static readonly TimeSpan LongestStream = TimeSpan.FromMinutes(5);

    public static IApplicationBuilder UseConsoleApi(this IApplicationBuilder app, RequestTraffic traffic, TimeSpan requestTimeout, TimeProvider time, CancellationToken stopping) =>
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments(ConsoleAssetsFilter.Root + ApiPath, StringComparison.Ordinal))
            {
                return next(context);
            }

            if (!path.Equals(RequestsPath, StringComparison.Ordinal))
            {
                return ApiErrors.WriteAsync(context, ApiException.NotFoundPath(), NullLogger.Instance);
            }

            return HttpMethods.IsGet(context.Request.Method)
                ? StreamAsync(context, traffic, StreamLength(requestTimeout), time, stopping)
                : ApiErrors.WriteAsync(context, ApiException.MethodNotAllowedPath(), NullLogger.Instance);
        });

    /// <summary>Three quarters of the request timeout (the timeout filter answers 504 at the whole), at most five minutes.</summary>
    private static TimeSpan StreamLength(TimeSpan requestTimeout) =>
        requestTimeout <= TimeSpan.Zero ? LongestStream : TimeSpan.FromTicks(Math.Min(requestTimeout.Ticks * 3 / 4, LongestStream.Ticks));

    private static async Task StreamAsync(HttpContext context, RequestTraffic traffic, TimeSpan length, TimeProvider time, CancellationToken stopping)
    {
        _ = long.TryParse(context.Request.Query["after"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var after);
        using var end = new CancellationTokenSource(length, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping, end.Token);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        using var connection = traffic.Connect(after);
        try
        {
            await context.Response.StartAsync(stop.Token);
            await context.Response.Body.FlushAsync(stop.Token);
            var reader = connection.Entries;
            var buffer = new ArrayBufferWriter<byte>();
            while (await reader.WaitToReadAsync(stop.Token))
            {
                buffer.ResetWrittenCount();
                while (reader.TryRead(out var entry))
                {
                    Write(buffer, entry);
                }

                await context.Response.Body.WriteAsync(buffer.WrittenMemory, stop.Token);
                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page left, the stream's time is up, or the server stops: a normal end.
        }
    }

    /// <summary>One request as a JSON line, the fields the page shows.</summary>
    private static void Write(IBufferWriter<byte> buffer, TrafficEntry entry)
    {
        var r = entry.Request;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", entry.Sequence);
            json.WriteString("auditID", r.AuditId);
            json.WriteString("started", r.Started);
            json.WriteNumber("latencyMs", Math.Round(r.Latency.TotalMilliseconds, 3));
            json.WriteString("verb", r.Verb);
            json.WriteBoolean("resourceRequest", r.IsResourceRequest);
            json.WriteString("group", r.Group);
            json.WriteString("resource", r.Resource);
            json.WriteString("subresource", r.Subresource);
            json.WriteString("namespace", r.Namespace);
            json.WriteString("name", r.Name);
            json.WriteString("method", r.Method);
            json.WriteString("path", r.Path);
            json.WriteString("query", r.Query);
            json.WriteNumber("code", r.StatusCode);
            json.WriteString("user", r.User);
            json.WriteString("userAgent", r.UserAgent);
            json.WriteNumber("watchEvents", r.WatchEvents);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }
}
