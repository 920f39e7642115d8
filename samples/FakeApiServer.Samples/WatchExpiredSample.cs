using FakeApiServer.FaultInjection;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.Samples;

public sealed class WatchExpiredSample
{
    [Fact]
    public async Task A_watch_broken_by_an_injected_410_is_resumed_by_the_controller()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        // The first watch of configmaps sends one event, then a 410 Expired ERROR event, and ends.
        using var expire = cluster.Faults.Add(new FaultRule { Verb = "watch", Resource = "configmaps", CloseWatchAfterEvents = 1, ExpireWatch = true, Times = 1 });
        using var recording = cluster.StartRecording();
        var mirror = new ConfigMapMirror(cluster.Client, "default");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = mirror.RunAsync(stop.Token);
        await mirror.WaitForAsync(_ => mirror.Lists == 1, ct);

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("a", "1"), "default", cancellationToken: ct);
        await mirror.WaitForAsync(names => names.Contains("a"), ct);
        var broken = await recording.WaitForAsync(r => r.Verb == "watch" && r.Resource == "configmaps", ct);

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("b", "2"), "default", cancellationToken: ct);
        await mirror.WaitForAsync(names => names.Contains("a") && names.Contains("b"), ct);

        Assert.Equal(["ADDED", "ERROR"], broken.WatchEvents.Select(e => (string?)e["type"]));
        Assert.Equal(410, (int?)broken.WatchEvents[1]["object"]?["code"]);
        Assert.Equal(1, mirror.Expired);
        Assert.Equal(2, mirror.Lists);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
