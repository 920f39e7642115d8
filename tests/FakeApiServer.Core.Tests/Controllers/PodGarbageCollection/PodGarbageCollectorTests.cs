using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.PodGarbageCollection;

public sealed class PodGarbageCollectorTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task With_a_threshold_of_2_the_oldest_terminated_pods_beyond_it_are_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            Controllers = ControllerSelection.Parse("namespace,podgc,serviceaccount"),
            TerminatedPodGcThreshold = 2,
            TimeProvider = time,
        }, ct);

        // Created oldest first in the reverse of name order, a second apart, so age and name disagree.
        foreach (var name in new[] { "d", "c", "b", "a", "running" })
        {
            await cluster.CreateAsync(Pods, Pod(name), ct);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await cluster.PatchAsync(Pods + "/" + name + "/status", """{"status":{"phase":"Succeeded"}}""", ct);
        }

        await cluster.WaitForGoneAsync(Pods + "/d", ct);
        await cluster.WaitForGoneAsync(Pods + "/c", ct);
        var left = await cluster.GetAsync(Pods, ct);
        Assert.Equal(["a", "b", "running"], (left!["items"] as JsonArray)!.Select(p => (string?)p!["metadata"]!["name"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_pod_on_a_deleted_node_is_failed_with_DisruptionTarget_and_deleted_after_the_quarantine()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,podgc,serviceaccount"), TimeProvider = time }, ct);
        await cluster.CreateAsync("/api/v1/nodes", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "gone" } }, ct);
        var pod = Pod("orphan", """{"nodeName":"gone"}""");
        pod["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        await cluster.CreateAsync(Pods, pod, ct);
        await cluster.PatchAsync(Pods + "/orphan/status", """{"status":{"phase":"Running"}}""", ct);

        await cluster.DeleteAsync("/api/v1/nodes/gone", ct);
        await cluster.WaitForGoneAsync("/api/v1/nodes/gone", ct);
        time.Advance(TimeSpan.FromSeconds(39));
        var quarantined = await cluster.GetAsync(Pods + "/orphan", ct);
        time.Advance(TimeSpan.FromSeconds(2));
        var deleted = await cluster.WaitForAsync(Pods + "/orphan", p => p["metadata"]?["deletionTimestamp"] is not null, ct);

        Assert.Null(quarantined!["metadata"]!["deletionTimestamp"]);
        Assert.Equal("Failed", deleted.Phase());
        var condition = deleted.Condition("DisruptionTarget");
        Assert.Equal(("True", "DeletionByPodGC", "PodGC: node no longer exists"), ((string?)condition?["status"], (string?)condition?["reason"], (string?)condition?["message"]));
        Assert.Equal(0, (int?)deleted["metadata"]!["deletionGracePeriodSeconds"]);
    }

    [Fact]
    public async Task A_terminating_pod_that_was_never_scheduled_is_failed_and_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,podgc,serviceaccount") }, ct);
        var pod = Pod("unscheduled");
        pod["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        await cluster.CreateAsync(Pods, pod, ct);

        await cluster.DeleteAsync(Pods + "/unscheduled", ct);

        var failed = await cluster.WaitForAsync(Pods + "/unscheduled", p => p.Phase() == "Failed", ct);
        Assert.Null(failed.Condition("DisruptionTarget"));
    }
}
