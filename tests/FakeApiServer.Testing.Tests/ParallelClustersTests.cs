using k8s;
using k8s.Models;

namespace FakeApiServer.Testing.Tests;

public sealed class ParallelClustersTests
{
    private const int Clusters = 8;

    [Fact]
    public async Task Eight_clusters_in_one_process_share_no_state()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        var clusters = await Task.WhenAll(Enumerable.Range(0, Clusters).Select(_ => FakeCluster.StartAsync(ct)));
        try
        {
            Assert.Equal(Clusters, clusters.Select(c => c.BaseAddress.Port).Distinct().Count());

            // The same name in every cluster, each with its own value, a fault and a recording of its own.
            using var recordings = new CompositeDisposable(clusters.Select(c => c.StartRecording()).ToList());
            clusters[3].Faults.Add(new FaultInjection.FaultRule { Verb = "get", Resource = "configmaps", StatusCode = 503 });
            await Task.WhenAll(clusters.Select((c, i) => c.Client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "shared" }, Data = new Dictionary<string, string> { ["cluster"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                "default", cancellationToken: ct)));
            var snapshot = await clusters[0].SnapshotAsync(ct);
            await clusters[0].Client.CoreV1.DeleteNamespacedConfigMapAsync("shared", "default", cancellationToken: ct);

            for (var i = 0; i < Clusters; i++)
            {
                var maps = (await clusters[i].Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items;
                if (i == 0)
                {
                    Assert.Empty(maps);
                    continue;
                }

                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(maps).Data["cluster"]);
                Assert.Equal(i == 3 ? 1 : 0, clusters[i].Faults.Active.Count);
                Assert.Single(recordings.Items[i].Writes("configmaps"));
            }

            await clusters[0].RestoreAsync(snapshot, ct);
            Assert.Equal("0", (await clusters[0].Client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default", cancellationToken: ct)).Data["cluster"]);
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    private sealed class CompositeDisposable(List<Recording.RequestRecording> items) : IDisposable
    {
        public List<Recording.RequestRecording> Items => items;

        public void Dispose() => items.ForEach(i => i.Dispose());
    }
}
