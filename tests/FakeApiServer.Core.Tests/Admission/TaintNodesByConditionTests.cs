using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The TaintNodesByCondition admission plugin through the API, and the simulated nodes losing the taint once Ready.</summary>
public sealed class TaintNodesByConditionTests
{
    [Fact]
    public async Task A_new_node_gets_the_not_ready_NoSchedule_taint_once_and_an_update_adds_none()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace") }, ct);

        var plain = await cluster.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "plain" } }, cancellationToken: ct);
        var tainted = await cluster.Client.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "tainted" },
            Spec = new V1NodeSpec { Taints = [new V1Taint { Effect = "NoExecute", Key = "gpu" }, new V1Taint { Effect = "NoSchedule", Key = "node.kubernetes.io/not-ready", Value = "x" }] },
        }, cancellationToken: ct);
        var created = tainted.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}=" + t.Value).ToList();
        tainted.Spec.Taints = [.. tainted.Spec.Taints.Where(t => t.Key == "gpu")];
        var updated = await cluster.Client.CoreV1.ReplaceNodeAsync(tainted, "tainted", cancellationToken: ct);

        Assert.Equal(["node.kubernetes.io/not-ready:NoSchedule"], plain.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}"));
        Assert.Equal(["gpu:NoExecute=", "node.kubernetes.io/not-ready:NoSchedule=x"], created);
        Assert.Equal(["gpu:NoExecute"], updated.Spec.Taints.Select(t => $"{t.Key}:{t.Effect}"));
    }

    [Fact]
    public async Task Simulated_nodes_are_Ready_without_the_not_ready_taint_and_take_pods()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Nodes = 2, Controllers = ControllerSelection.Parse("namespace,node-simulator,scheduler,serviceaccount") }, ct);

        await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] } }, "default", cancellationToken: ct);
        var pod = await cluster.WaitForAsync("/api/v1/namespaces/default/pods/web", p => p["spec"]?["nodeName"] is not null, ct);
        var worker = await cluster.Client.CoreV1.ReadNodeAsync("fakeapiserver-worker", cancellationToken: ct);

        Assert.Equal("fakeapiserver-worker", (string?)pod["spec"]!["nodeName"]);
        Assert.Null(worker.Spec.Taints);
    }
}
