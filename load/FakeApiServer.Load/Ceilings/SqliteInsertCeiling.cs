using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The fastest a durable create can be without group commit: bare Kestrel inserting each request's 2 KiB body as one
/// row into SQLite (WAL, synchronous=FULL as the server's default) on one connection, one transaction per request,
/// serialized by a lock, and echoing the body as a create does. The server commits in groups, so it may beat this.
/// </summary>
internal static class SqliteInsertCeiling
{
    /// <summary>64 users POST 2 KiB bodies.</summary>
    public static async Task<LoadStats> MeasureAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Progress("ceiling: SQLite insert per request");
        await using var writer = await DurableRowWriter.OpenAsync(context.WorkDir, cancellationToken);

        async Task InsertAsync(HttpContext c)
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body, c.RequestAborted);
            var bytes = body.ToArray();
            await writer.InsertAsync(bytes, c.RequestAborted);
            c.Response.StatusCode = StatusCodes.Status201Created;
            c.Response.ContentType = "application/json";
            await c.Response.Body.WriteAsync(bytes, c.RequestAborted);
        }

        await using var server = await BareKestrel.StartAsync(app => app.MapPost("/insert", InsertAsync), cancellationToken);
        using var http = HttpDriver.Create(server.BaseAddress);
        var stats = await context.MeasureAsync(
            new LoadTest
            {
                Name = "ceiling: bare Kestrel POST, one SQLite insert per request (WAL, synchronous=FULL)",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(
                    http, HttpDriver.WithBody(HttpMethod.Post, "/insert", ObjectBodies.ConfigMap("ceiling", $"c-{step.User}-{step.Iteration}")), ct),
            },
            cancellationToken);
        report.Notes.Add("insert ceiling: one connection, one transaction per request, serialized by a lock, WAL + synchronous=FULL (the server's default durability, without its group commit)");
        return stats;
    }
}
