using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>GET by name with 64 users at the small (10k) and large (100k) counts, against the fixed-body ceiling.</summary>
internal sealed class GetScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "get";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var ceiling = await context.Ceilings.FixedBodyAsync(cancellationToken);
        var cluster = await context.LargeClusterAsync();
        var small = context.Profile.SmallCount;
        var large = context.Profile.LargeCount;
        if (cluster.Count > small)
        {
            report.Notes.Add($"the shared cluster already held {cluster.Count:N0} objects: the small stage reads only the first {small:N0}");
        }

        await cluster.EnsureSeededAsync(small, cancellationToken);
        var atSmall = await MeasureGetsAsync(context, cluster, small, cancellationToken);
        await cluster.EnsureSeededAsync(large, cancellationToken);
        var atLarge = await MeasureGetsAsync(context, cluster, large, cancellationToken);
        report.Measurements.Add(atSmall);
        report.Measurements.Add(atLarge);
        report.Targets.Add(TargetVerdict.Min($"GET RPS at {small:N0} >= 90% of the fixed-body ceiling", atSmall.Rps, ceiling.Rps, 0.9, "req/s"));
        report.Targets.Add(TargetVerdict.Max($"GET p99 at {small:N0} <= 1.5x the fixed-body ceiling's", atSmall.P99, ceiling.P99, 1.5, "ms"));
        report.Targets.Add(TargetVerdict.Min($"GET RPS at {large:N0} >= 90% of the fixed-body ceiling", atLarge.Rps, ceiling.Rps, 0.9, "req/s"));
        report.Targets.Add(TargetVerdict.Min($"GET RPS at {large:N0} >= 85% of the rate at {small:N0}", atLarge.Rps, atSmall.Rps, 0.85, "req/s"));
        if (context.Profile.Name != "full")
        {
            report.Notes.Add($"{context.Profile.Name}: {small:N0} and {large:N0} objects instead of 10k and 100k");
        }
    }

    private static Task<LoadStats> MeasureGetsAsync(RunContext context, LargeCluster cluster, int count, CancellationToken cancellationToken)
    {
        context.Progress($"get: by name among {count:N0}");
        var random = new Random[64];
        for (var u = 0; u < random.Length; u++)
        {
            random[u] = new Random(u);
        }

        return context.MeasureAsync(
            new LoadTest
            {
                Name = $"GET by name, {count:N0} objects, 64 users",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(cluster.Server.Http, HttpDriver.Get(cluster.ObjectPath(random[step.User].Next(count))), ct),
            },
            cancellationToken);
    }
}
