using FakeApiServer.FaultInjection;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.Samples;

public sealed class RetryOnConflictSample
{
    [Fact]
    public async Task The_controller_retries_the_two_injected_conflicts_and_scales_the_deployment()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(SampleObjects.Deployment("web", 1), "default", cancellationToken: ct);

        // The next two PATCHes of deployments/web are answered 409 Conflict, as a racing writer would cause.
        using var conflicts = cluster.Faults.Add(new FaultRule { Verb = "patch", Resource = "deployments", Name = "web", StatusCode = 409, Times = 2 });
        using var recording = cluster.StartRecording();

        await new ScaleController(cluster.Client).ScaleAsync("default", "web", 3, ct);

        var web = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        Assert.Equal(3, web.Spec.Replicas);
        Assert.Equal(2, conflicts.Hits);
        var patches = recording.For("patch", "deployments", "web");
        Assert.True(patches.Select(p => p.StatusCode).SequenceEqual([409, 409, 200]), recording.Dump());
        Assert.Equal(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)patches[0].ResponseBody?["message"]);
    }
}
