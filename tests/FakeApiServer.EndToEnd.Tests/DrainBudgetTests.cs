using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl drain against a PodDisruptionBudget that allows no disruption: the eviction is refused with upstream's 429,
/// kubectl reports it and retries until its own --timeout, and the pod stays.
/// </summary>
public sealed class DrainBudgetTests
{
    private const string Worker = "fakeapiserver-worker";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Drain_is_blocked_by_a_budget_that_allows_no_disruption(string version)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("run", "solo", "--image=busybox:1.36", "--labels=app=solo", "--", "sleep", "3600")).Succeeded();
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pod", "solo", "-o", "jsonpath={.status.phase} {.spec.nodeName}")).Stdout == "Running " + Worker,
            "the pod solo is Running on the worker", ct);
        (await kubectl.RunAsync("create", "poddisruptionbudget", "solo", "--selector=app=solo", "--min-available=1")).Succeeded();
        // What a disruption controller would write for one healthy pod that must stay: no disruption allowed.
        await cluster.Client.PolicyV1.PatchNamespacedPodDisruptionBudgetStatusAsync(new V1Patch(
            """{"status":{"observedGeneration":1,"disruptionsAllowed":0,"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}}""",
            V1Patch.PatchType.MergePatch), "solo", "default", cancellationToken: ct);

        // kubectl retries a refused eviction every 5s until its own timeout ends the drain.
        var drained = await kubectl.RunAsync(["drain", Worker, "--force", "--ignore-daemonsets", "--timeout=2s"], TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, drained.ExitCode);
        Assert.Contains("error when evicting pods/\"solo\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.",
            drained.Stderr, StringComparison.Ordinal);
        Assert.Equal("Running", (await kubectl.RunAsync("get", "pod", "solo", "-o", "jsonpath={.status.phase}")).Succeeded().Stdout);
    }
}
