using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>ResourceQuota and LimitRanger with real kubectl: a quota of two pods, describe quota, a LimitRange default.</summary>
public sealed class QuotaTests
{
    private static readonly FakeClusterOptions WithQuotaController = new() { Controllers = ControllerSelection.Parse("namespace,garbage-collector,resourcequota") };

    private const string LimitRange = """
        apiVersion: v1
        kind: LimitRange
        metadata:
          name: cpu-defaults
        spec:
          limits:
          - type: Container
            default:
              cpu: 500m
            defaultRequest:
              cpu: 100m
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_quota_of_2_pods_refuses_the_third_and_describe_shows_used_and_hard(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(WithQuotaController, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("create", "quota", "pods", "--hard=pods=2")).Succeeded();
        await cluster.WaitForAsync("v1", "ResourceQuota", "default", "pods", q => q["status"]?["used"]?["pods"] is not null, E2E.Wait, timeout.Token);
        (await kubectl.RunAsync("run", "a", "--image=nginx")).Succeeded();
        (await kubectl.RunAsync("run", "b", "--image=nginx")).Succeeded();
        var third = await kubectl.RunAsync("run", "c", "--image=nginx");
        var described = (await kubectl.RunAsync("describe", "quota", "pods")).Succeeded();

        third.FailedWith("Error from server (Forbidden): pods \"c\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2");
        Assert.Equal(["Resource", "Used", "Hard"], described.Row("Resource"));
        Assert.Equal(["pods", "2", "2"], described.Row("pods"));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_limit_range_default_appears_on_a_new_pod(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("limits.yaml", LimitRange))).Succeeded();
        (await kubectl.RunAsync("run", "web", "--image=nginx")).Succeeded();
        var resources = (await kubectl.RunAsync("get", "pod", "web", "-o", "jsonpath={.spec.containers[0].resources}")).Succeeded();
        var annotation = (await kubectl.RunAsync("get", "pod", "web", "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}")).Succeeded();

        Assert.Equal("""{"limits":{"cpu":"500m"},"requests":{"cpu":"100m"}}""", resources.Stdout);
        Assert.Equal("LimitRanger plugin set: cpu request for container web; cpu limit for container web", annotation.Stdout);
    }
}
