using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// Deployments with real kubectl: the deployment and replicaset controllers make replica sets and pods, kubectl scale
/// goes through /scale, and kubectl delete cascades through the garbage collector and the namespace controller. The
/// scheduler and kubelet stay off, so pods stay Pending: only counts and names are checked.
/// </summary>
public sealed class WorkloadTests
{
    private static readonly FakeClusterOptions WorkloadControllers = new()
    {
        Controllers = ControllerSelection.Parse("namespace,garbage-collector,deployment,replicaset,endpoints,endpointslice,serviceaccount"),
    };

    private static string DeploymentWeb(string ns, int replicas) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_scale_to_5_and_back_to_2_then_delete_cascades(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(WorkloadControllers, ct);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("web.yaml", DeploymentWeb("default", 2)))).Succeeded();
        await WaitForCountsAsync(kubectl, replicaSets: 1, pods: 2, ct);
        var scaledUp = (await kubectl.RunAsync("scale", "deploy", "web", "--replicas=5")).Succeeded();
        await WaitForCountsAsync(kubectl, replicaSets: 1, pods: 5, ct);
        var scaledDown = (await kubectl.RunAsync("scale", "deploy", "web", "--replicas=2")).Succeeded();
        await WaitForCountsAsync(kubectl, replicaSets: 1, pods: 2, ct);
        var rs = (await kubectl.RunAsync("get", "rs")).Succeeded();
        var name = rs.Lines[1].Split(' ')[0];
        var deleted = (await kubectl.RunAsync("delete", "deploy", "web")).Succeeded();
        await WaitForCountsAsync(kubectl, replicaSets: 0, pods: 0, ct);

        Assert.Equal(["deployment.apps/web scaled"], scaledUp.Lines);
        Assert.Equal(["deployment.apps/web scaled"], scaledDown.Lines);
        Assert.Equal(["NAME", "DESIRED", "CURRENT", "READY", "AGE"], rs.Header());
        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]+$", name);
        Assert.Equal(["2", "2", "0"], rs.Row(name).Skip(1).Take(3));
        Assert.Equal(["deployment.apps \"web\" deleted"], deleted.Lines);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Delete_namespace_of_a_deployment_removes_everything_then_the_namespace(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(WorkloadControllers, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n" + DeploymentWeb("shop", 3);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("shop.yaml", manifest))).Succeeded();
        await WaitForCountsAsync(kubectl, replicaSets: 1, pods: 3, ct, "shop");

        var deleted = await kubectl.RunAsync(["delete", "ns", "shop"], TimeSpan.FromSeconds(60));
        var ns = await kubectl.RunAsync("get", "ns", "shop");
        var left = await kubectl.RunAsync("get", "deploy,rs,pods", "-n", "shop");

        Assert.Equal(["namespace \"shop\" deleted"], deleted.Succeeded().Lines);
        ns.FailedWith("Error from server (NotFound): namespaces \"shop\" not found");
        Assert.Equal(0, left.ExitCode);
        Assert.Equal("No resources found in shop namespace.\n", left.Stderr);
    }

    /// <summary>Polls kubectl get rs and get pods until they show the counts (pods being deleted excluded).</summary>
    private static Task WaitForCountsAsync(Kubectl kubectl, int replicaSets, int pods, CancellationToken ct, string ns = "default") =>
        E2E.EventuallyAsync(async () =>
        {
            var rs = await kubectl.RunAsync("get", "rs", "-n", ns, "-o", "name");
            var po = await kubectl.RunAsync("get", "pods", "-n", ns, "-o", "name");
            return rs.ExitCode == 0 && po.ExitCode == 0 && rs.Lines.Count == replicaSets && po.Lines.Count == pods;
        }, $"{replicaSets} replica sets and {pods} pods in {ns}", ct);
}
