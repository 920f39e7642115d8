using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.Samples;

public sealed class SnapshotSample
{
    [Fact]
    public async Task A_restored_snapshot_brings_back_the_state_it_was_taken_at()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("kept", "1"), "default", cancellationToken: ct);
        var snapshot = await cluster.SnapshotAsync(ct);

        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("kept", "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("added", "2"), "default", cancellationToken: ct);
        await cluster.RestoreAsync(snapshot, ct);

        var names = (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items.Select(c => c.Metadata.Name);
        Assert.Equal(["kept"], names);
    }

    [Fact]
    public async Task A_saved_snapshot_seeds_a_new_cluster()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        var file = Path.Combine(Path.GetTempPath(), $"snapshot-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var seeded = await FakeCluster.StartAsync(ct))
            {
                await seeded.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("seed", "x"), "default", cancellationToken: ct);
                await (await seeded.SnapshotAsync(ct)).SaveAsync(file, ct);
            }

            await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Seed = await ClusterSnapshot.LoadAsync(file, ct) }, ct);
            Assert.Equal("x", (await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("seed", "default", cancellationToken: ct)).Data["value"]);

            // The seed is what ResetAsync goes back to.
            await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("seed", "default", cancellationToken: ct);
            await cluster.ResetAsync(ct);
            Assert.Equal("x", (await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("seed", "default", cancellationToken: ct)).Data["value"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
