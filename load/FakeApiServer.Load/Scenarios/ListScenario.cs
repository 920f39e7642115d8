using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// LIST of one namespace (1,000 objects) among the large count (100k), by one user, p50 against 15 ms; then
/// cluster-wide LISTs of everything, with the process's extra resident and managed memory during each.
/// </summary>
internal sealed class ListScenario : IScenario
{
    private const double NamespaceListP50Ms = 15;
    private const double ClusterListExtraMiB = 64;

    /// <inheritdoc/>
    public string Name => "list";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var cluster = await context.LargeClusterAsync();
        var large = context.Profile.LargeCount;
        await cluster.EnsureSeededAsync(large, cancellationToken);
        var namespaces = large / cluster.NamespaceSize;
        context.Progress($"list: one namespace of {cluster.NamespaceSize:N0} among {large:N0}");
        var inNamespace = await context.MeasureAsync(
            new LoadTest
            {
                Name = $"LIST one namespace ({cluster.NamespaceSize:N0} of {large:N0}), 1 user",
                Model = LoadModel.Closed(1),
                Step = (step, ct) => HttpDriver.SendAsync(
                    cluster.Server.Http, HttpDriver.Get(ResourceKind.ConfigMaps.Path(LargeCluster.Namespace((int)(step.Iteration % namespaces) * cluster.NamespaceSize, cluster.NamespaceSize))), ct),
            },
            cancellationToken);
        report.Measurements.Add(inNamespace);
        report.Targets.Add(TargetVerdict.Max("LIST one namespace p50 <= 15 ms", inNamespace.P50, NamespaceListP50Ms, 1, "ms"));

        context.Progress($"list: cluster-wide, {large:N0} objects");
        var worstResident = 0.0;
        var worstManaged = 0.0;
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < 3; i++)
        {
            await using var sampler = MemorySampler.Start(context.Time);
            var start = context.Time.GetTimestamp();
            var result = await HttpDriver.SendAsync(cluster.Server.Http, HttpDriver.Get(ResourceKind.ConfigMaps.Path(null)), cancellationToken);
            times.Add(context.Time.GetElapsedTime(start).TotalMilliseconds);
            await sampler.DisposeAsync();
            if (!result.Ok)
            {
                report.CheckErrors++;
            }

            bytes = result.Bytes;
            worstResident = Math.Max(worstResident, sampler.ResidentPeakMiB);
            worstManaged = Math.Max(worstManaged, sampler.ManagedPeakMiB);
        }

        report.Add("cluster-wide LIST time (median of 3)", Ceilings.ColdStartCeiling.Median(times), "ms");
        report.Add("cluster-wide LIST response", bytes / 1048576.0, "MiB");
        report.Add("cluster-wide LIST extra resident memory (worst of 3)", worstResident, "MiB");
        report.Add("cluster-wide LIST extra managed memory (worst of 3)", worstManaged, "MiB");
        report.Targets.Add(TargetVerdict.Max("cluster-wide LIST extra resident memory <= 64 MiB", worstResident, ClusterListExtraMiB, 1, "MiB"));
        report.Targets.Add(TargetVerdict.Max("cluster-wide LIST extra managed memory <= 64 MiB", worstManaged, ClusterListExtraMiB, 1, "MiB"));
        report.Notes.Add("memory is this process's (server plus a client that streams the body away), sampled every 5 ms after a full collection");
    }
}
