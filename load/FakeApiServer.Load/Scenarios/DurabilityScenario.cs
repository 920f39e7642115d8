using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>What fsync on every commit costs: creates/s with --sync=full against --sync=normal.</summary>
internal sealed class DurabilityScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "durability";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        LoadStats full, normal;
        await using (var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken, synchronousFull: true))
        {
            full = await CreateScenario.MeasureCreatesAsync(context, server, "create, --sync=full", cancellationToken);
        }

        await using (var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken, synchronousFull: false))
        {
            normal = await CreateScenario.MeasureCreatesAsync(context, server, "create, --sync=normal", cancellationToken);
        }

        report.Measurements.Add(full);
        report.Measurements.Add(normal);
        report.Targets.Add(TargetVerdict.Min("creates/s with --sync=full >= 80% of --sync=normal", full.Rps, normal.Rps, 0.8, "req/s"));
    }
}
