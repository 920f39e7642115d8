using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The fastest a GET can be here when it must send what FakeApiServer sends: bare Kestrel answering every request with
/// one response captured from the running server (the same status, header fields and body bytes), only the fields
/// that are new on every response made afresh for each: Date (Kestrel's own, as the server's) and Audit-Id (a random
/// version 4 UUID, made by the server's own function). Whatever the fixed-body ceiling is faster by is the cost of the
/// response itself, which kube-apiserver's behaviour leaves no room to cut.
/// </summary>
internal static class SameResponseCeiling
{
    /// <summary>The name given to <c>--serve-ceiling</c>.</summary>
    public const string ProcessName = "same-response";

    /// <summary>The file in the ceiling's folder that holds the captured response, as read off the wire.</summary>
    public const string CapturedFile = "captured-response.http";

    private const string AuditIdHeader = "Audit-Id";

    // Made by Kestrel itself (Date, Server; the framing from whether a length is set) or set through their own property.
    private static readonly HashSet<string> KestrelHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Date", "Server", "Transfer-Encoding", "Content-Length", "Content-Type", AuditIdHeader,
    };

    /// <summary>Whether Kestrel should add its Server header: when the captured response has one.</summary>
    public static bool SendsServerHeader(RawHttpResponse captured)
    {
        ArgumentNullException.ThrowIfNull(captured);
        return captured.Header("Server") is not null;
    }

    /// <summary>Answers every request with <paramref name="captured"/>.</summary>
    public static void Map(WebApplication app, RawHttpResponse captured)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(captured);
        var status = captured.Status;
        var contentType = captured.Header("Content-Type");
        long? contentLength = captured.Chunked ? null : captured.Body.Length;
        var audit = captured.Header(AuditIdHeader) is not null;
        var fixedHeaders = captured.Headers.Where(h => !KestrelHeaders.Contains(h.Key)).ToArray();
        var body = captured.Body;
        app.Run(c =>
        {
            var response = c.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength = contentLength;
            foreach (var (name, value) in fixedHeaders)
            {
                response.Headers.Append(name, value);
            }

            if (audit)
            {
                response.Headers[AuditIdHeader] = FakeApiServer.Observability.RequestObservationFilter.NewAuditId();
            }

            return response.Body.WriteAsync(body, c.RequestAborted).AsTask();
        });
    }

    /// <summary>Serves the response captured in <paramref name="folder"/> until cancelled.</summary>
    public static async Task ServeAsync(string folder, Func<Action<WebApplication>, bool, Task> serve)
    {
        ArgumentNullException.ThrowIfNull(serve);
        var captured = RawHttpResponse.Parse(await File.ReadAllBytesAsync(Path.Combine(folder, CapturedFile)));
        await serve(app => Map(app, captured), SendsServerHeader(captured));
    }

    /// <summary>
    /// Captures the server's response to GET <paramref name="capturePath"/>, then 64 users GET <paramref name="path"/>
    /// paths from the same response served by bare Kestrel in a process of its own.
    /// </summary>
    public static async Task<LoadStats> MeasureInOwnProcessAsync(
        RunContext context, Uri server, string capturePath, Func<string> path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        context.Progress("ceiling: the server's own GET response, own process");
        var captured = await RawHttpResponse.GetAsync(server, capturePath, cancellationToken);
        await using var ceiling = await StartAsync(context.WorkDir, captured, cancellationToken);
        return await context.MeasureAsync(
            new LoadTest
            {
                Name = $"ceiling: bare Kestrel GET, the server's response ({captured.Status}, {captured.Headers.Count} header fields, {captured.Body.Length:N0} body bytes), own process",
                Model = LoadModel.Closed(64),
                Step = (_, ct) => HttpDriver.SendAsync(ceiling.Http, HttpDriver.Get(path()), ct),
                ServerProcessorTime = () => ceiling.ProcessorTime,
            },
            cancellationToken);
    }

    /// <summary>Starts the ceiling's process serving <paramref name="captured"/>, from a folder of its own under <paramref name="workDir"/>.</summary>
    public static async Task<CeilingProcess> StartAsync(string workDir, RawHttpResponse captured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(captured);
        var folder = Path.Combine(workDir, "same-response-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, CapturedFile), captured.Wire, cancellationToken);
        return await CeilingProcess.StartAsync(ProcessName, folder, cancellationToken);
    }
}
