using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// The test fixture's costs (issue 21): 8 FakeClusters started at once in this process (wall time, managed heap and
/// working set per cluster), and in one of them the time to reset, to restore a snapshot and to take one, after a
/// test-sized change (50 ConfigMaps created), as many rounds as the profile's cluster starts (at most 10).
/// </summary>
internal sealed class FixtureScenario : IScenario
{
    private const int Clusters = 8;
    private const int Objects = 50;
    private const int Rounds = 10;
    private const double ResetP50Ms = 100;

    /// <inheritdoc/>
    public string Name => "fixture";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        // One cluster first, so the process-wide one-time costs (schema scan, JIT) are not counted per cluster.
        await using (var warm = await FakeCluster.StartAsync(cancellationToken))
        {
            await warm.Client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken);
        }

        context.Progress($"fixture: {Clusters} clusters at once");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var setBefore = Environment.WorkingSet;
        var start = context.Time.GetTimestamp();
        var clusters = await Task.WhenAll(Enumerable.Range(0, Clusters).Select(_ => FakeCluster.StartAsync(cancellationToken)));
        try
        {
            await Task.WhenAll(clusters.Select(c => c.Client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken)));
            report.Add($"{Clusters} FakeClusters started at once, to all answering", context.Time.GetElapsedTime(start).TotalMilliseconds, "ms");
            report.Add("managed heap per running cluster", (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / Clusters / 1024.0 / 1024.0, "MiB");
            report.Add("working set per running cluster", (Environment.WorkingSet - setBefore) / Clusters / 1024.0 / 1024.0, "MiB");

            var cluster = clusters[0];
            var rounds = Math.Min(Rounds, context.Profile.ClusterStarts);
            context.Progress($"fixture: reset, snapshot and restore after {Objects} creates, {rounds} rounds");
            var snapshot = await cluster.SnapshotAsync(cancellationToken);
            var resets = new List<double>();
            var restores = new List<double>();
            var snapshots = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                await CreateAsync(cluster, round, cancellationToken);
                var t = context.Time.GetTimestamp();
                await cluster.ResetAsync(cancellationToken);
                resets.Add(context.Time.GetElapsedTime(t).TotalMilliseconds);

                await CreateAsync(cluster, round, cancellationToken);
                t = context.Time.GetTimestamp();
                await cluster.RestoreAsync(snapshot, cancellationToken);
                restores.Add(context.Time.GetElapsedTime(t).TotalMilliseconds);

                t = context.Time.GetTimestamp();
                await cluster.SnapshotAsync(cancellationToken);
                snapshots.Add(context.Time.GetElapsedTime(t).TotalMilliseconds);
            }

            report.Add($"ResetAsync after {Objects} creates (p50)", ColdStartCeiling.Median(resets), "ms");
            report.Add($"RestoreAsync after {Objects} creates (p50)", ColdStartCeiling.Median(restores), "ms");
            report.Add("SnapshotAsync (p50)", ColdStartCeiling.Median(snapshots), "ms");
            report.Targets.Add(TargetVerdict.Max($"ResetAsync after {Objects} creates <= 100 ms p50", ColdStartCeiling.Median(resets), ResetP50Ms, 1, "ms"));
            report.OtherRequests += Clusters + (2 * rounds * Objects);
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    private static async Task CreateAsync(FakeCluster cluster, int round, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Objects; i++)
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"r{round}-{i}" } }, "default", cancellationToken: cancellationToken);
        }
    }
}
