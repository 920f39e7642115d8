using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Create throughput: 64 users create 2 KiB ConfigMaps (server in this process), against the strongest durable-write
/// ceiling of the run (the group-commit one, unless the one-insert-per-request one beat it).
/// </summary>
internal sealed class CreateScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "create";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var ceiling = await context.Ceilings.StrongestWriteAsync(cancellationToken);
        await using var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken);
        var stats = await MeasureCreatesAsync(context, server, "create (POST), 64 users", cancellationToken);
        report.Measurements.Add(stats);
        report.Targets.Add(TargetVerdict.Min("create RPS >= 50% of the strongest write ceiling", stats.Rps, ceiling.Rps, 0.5, "req/s"));
        report.Targets.Add(TargetVerdict.Max("create p99 <= 2x the strongest write ceiling's p99", stats.P99, ceiling.P99, 2, "ms"));
        report.Notes.Add("strongest write ceiling: " + ceiling.Name);
    }

    /// <summary>64 users creating ConfigMaps in namespace "create" (also used by the durability scenario).</summary>
    public static async Task<LoadStats> MeasureCreatesAsync(RunContext context, ServerUnderTest server, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(server);
        context.Progress(name);
        await server.CreateNamespaceAsync("create", cancellationToken);
        var path = ResourceKind.ConfigMaps.Path("create");
        return await context.MeasureAsync(
            new LoadTest
            {
                Name = name,
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(
                    server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap("create", $"c-{step.User}-{step.Iteration}")), ct),
            },
            cancellationToken);
    }
}
