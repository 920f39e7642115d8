using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The group-commit create ceiling: bare Kestrel queuing each POSTed 2 KiB body to one writer thread that commits up to
/// 512 rows per SQLite transaction (WAL, synchronous=FULL) and echoing the body once its transaction committed. It runs
/// in a process of its own (this program with <c>--serve-ceiling group-commit</c>), so its CPU per request is read
/// apart from the client's, as the server's is.
/// </summary>
internal static class GroupCommitCeiling
{
    /// <summary>The name given to <c>--serve-ceiling</c>.</summary>
    public const string Name = "group-commit";

    /// <summary>The load test's name in the reports.</summary>
    public const string TestName = "ceiling: bare Kestrel POST, group commit (one writer thread, <= 512 per transaction, WAL, synchronous=FULL), own process";

    /// <summary>Maps POST /create onto <paramref name="writer"/>.</summary>
    public static void Map(WebApplication app, GroupCommitWriter writer)
    {
        ArgumentNullException.ThrowIfNull(app);
        long sequence = 0;
        app.MapPost("/create", async (HttpContext c) =>
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body, c.RequestAborted);
            var bytes = body.ToArray();
            await writer.InsertAsync("/configmaps/ceiling/c-" + Interlocked.Increment(ref sequence), bytes);
            c.Response.StatusCode = StatusCodes.Status201Created;
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = bytes.Length;
            await c.Response.Body.WriteAsync(bytes, c.RequestAborted);
        });
    }

    /// <summary>64 users POST 2 KiB bodies to the ceiling in its own process.</summary>
    public static async Task<LoadStats> MeasureAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Progress("ceiling: group commit, own process");
        await using var server = await CeilingProcess.StartAsync(Name, context.WorkDir, cancellationToken);
        var stats = await context.MeasureAsync(
            new LoadTest
            {
                Name = TestName,
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(
                    server.Http, HttpDriver.WithBody(HttpMethod.Post, "/create", ObjectBodies.ConfigMap("ceiling", $"c-{step.User}-{step.Iteration}")), ct),
                ServerProcessorTime = () => server.ProcessorTime,
            },
            cancellationToken);
        report.Notes.Add($"group-commit ceiling: requests queue to one writer thread; each SQLite transaction commits up to {GroupCommitWriter.MaxBatch} (WAL, synchronous=FULL); the body is echoed after its commit; own process, so its CPU is measured apart");
        return stats;
    }
}
