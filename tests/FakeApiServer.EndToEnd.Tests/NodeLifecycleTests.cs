using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// A simulated node stopped with its annotation and reported NotReady, as kubectl shows it: NotReady in get nodes, the
/// node lifecycle controller's not-ready taints in describe, and back to Ready without taints once started again.
/// </summary>
public sealed class NodeLifecycleTests
{
    private const string Worker = "fakeapiserver-worker";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_stopped_NotReady_node_shows_NotReady_and_its_taints_and_is_Ready_again_when_started(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "node", Worker, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.spec.taints}")).Stdout == "True ",
            "the worker is Ready without taints", ct);

        (await kubectl.RunAsync("annotate", "node", Worker, FakeCluster.StoppedNodeAnnotation + "=true")).Succeeded();
        var heartbeat = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        (await kubectl.RunAsync("patch", "node", Worker, "--subresource=status", "--type=merge", "-p",
            $$$"""{"status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady","message":"container runtime is down","lastHeartbeatTime":"{{{heartbeat}}}"}]}}""")).Succeeded();

        KubectlResult? described = null;
        await E2E.EventuallyAsync(async () =>
        {
            described = await kubectl.RunAsync("describe", "node", Worker);
            return described.ExitCode == 0 && described.Stdout.Contains("node.kubernetes.io/not-ready:NoExecute", StringComparison.Ordinal)
                && described.Stdout.Contains("node.kubernetes.io/not-ready:NoSchedule", StringComparison.Ordinal);
        }, "describe shows both not-ready taints", ct);
        Assert.Matches(@"(?m)^Taints:\s+node\.kubernetes\.io/not-ready:(NoExecute|NoSchedule)$", described!.Stdout);
        Assert.Matches(@"(?m)^\s+node\.kubernetes\.io/not-ready:(NoExecute|NoSchedule)$", described.Stdout);
        Assert.Matches(@"(?m)^\s+Ready\s+False\s.*KubeletNotReady\s+container runtime is down$", described.Stdout);
        var nodes = (await kubectl.RunAsync("get", "nodes")).Succeeded();
        Assert.Equal("NotReady", nodes.Row(Worker)[1]);
        Assert.Equal("Ready", nodes.Row("fakeapiserver-control-plane")[1]);

        (await kubectl.RunAsync("annotate", "node", Worker, FakeCluster.StoppedNodeAnnotation + "-")).Succeeded();
        await E2E.EventuallyAsync(async () =>
        {
            described = await kubectl.RunAsync("describe", "node", Worker);
            return described.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(described.Stdout, @"(?m)^Taints:\s+<none>$");
        }, "the started worker has no taints", ct);
        Assert.Equal("Ready", (await kubectl.RunAsync("get", "nodes")).Succeeded().Row(Worker)[1]);
    }
}
