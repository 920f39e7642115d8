using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>Resident and managed growth of the server per stored object, against the objects' serialized size.</summary>
internal sealed class MemoryScenario : IScenario
{
    private const double GrowthFactor = 1.5;

    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var cluster = await context.LargeClusterAsync();
        await cluster.EnsureSeededAsync(context.Profile.LargeCount, cancellationToken);
        var count = cluster.Count;
        var per100K = 100_000.0 / count / 1048576.0;
        var serialized = cluster.SerializedBytes * per100K;
        var resident = cluster.ResidentGrowth * per100K;
        var managed = cluster.ManagedGrowth * per100K;
        report.OtherRequests += count;
        report.Add("objects", count, "objects");
        report.Add("serialized size per 100k objects", serialized, "MiB");
        report.Add("resident growth per 100k objects", resident, "MiB");
        report.Add("managed heap growth per 100k objects", managed, "MiB");
        report.Targets.Add(TargetVerdict.Max("resident growth per 100k objects <= 1.5x their serialized size", resident, serialized, GrowthFactor, "MiB"));
        report.Notes.Add("growth measured around seeding, after a full compacting collection each side; scaled to 100k objects");
    }
}
