using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Load.Ceilings;

/// <summary>The fastest a GET can be here: bare Kestrel answering a fixed 2 KiB JSON body.</summary>
internal static class FixedBodyCeiling
{
    /// <summary>The name given to <c>--serve-ceiling</c> for the same endpoint in a process of its own.</summary>
    public const string ProcessName = "fixed-body";

    /// <summary>The body, 2 KiB.</summary>
    public static readonly byte[] Body = System.Text.Encoding.ASCII.GetBytes("{\"payload\":\"" + new string('x', 2048 - 14) + "\"}");

    /// <summary>Maps GET /fixed.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/fixed", (HttpContext c) =>
        {
            c.Response.ContentType = "application/json";
            c.Response.ContentLength = Body.Length;
            return c.Response.Body.WriteAsync(Body, c.RequestAborted).AsTask();
        });
    }

    /// <summary>64 users GET /fixed.</summary>
    public static async Task<LoadStats> MeasureAsync(RunContext context, CancellationToken cancellationToken)
    {
        context.Progress("ceiling: fixed 2 KiB body");
        await using var server = await BareKestrel.StartAsync(Map, cancellationToken);
        using var http = HttpDriver.Create(server.BaseAddress);
        return await context.MeasureAsync(
            new LoadTest
            {
                Name = "ceiling: bare Kestrel GET, fixed 2 KiB body",
                Model = LoadModel.Closed(64),
                Step = (_, ct) => HttpDriver.SendAsync(http, HttpDriver.Get("/fixed"), ct),
            },
            cancellationToken);
    }

    /// <summary>64 users GET /fixed from the ceiling in its own process, so its CPU per request is read apart.</summary>
    public static async Task<LoadStats> MeasureInOwnProcessAsync(RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress("ceiling: fixed 2 KiB body, own process");
        await using var server = await CeilingProcess.StartAsync(ProcessName, context.WorkDir, cancellationToken);
        return await context.MeasureAsync(
            new LoadTest
            {
                Name = "ceiling: bare Kestrel GET, fixed 2 KiB body, own process",
                Model = LoadModel.Closed(64),
                Step = (_, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get("/fixed"), ct),
                ServerProcessorTime = () => server.ProcessorTime,
            },
            cancellationToken);
    }
}
