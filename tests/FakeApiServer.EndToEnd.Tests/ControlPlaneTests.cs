using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>The simulated control plane through kubectl: nodes as kind shows them, and pods that get scheduled and run.</summary>
public sealed class ControlPlaneTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_nodes_wide_shows_the_control_plane_and_the_worker_Ready_with_roles(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        using var kubectl = Kubectl.For(cluster, version);

        KubectlResult? nodes = null;
        await E2E.EventuallyAsync(async () =>
        {
            nodes = await kubectl.RunAsync("get", "nodes", "-o", "wide");
            return nodes.ExitCode == 0 && nodes.Lines.Count == 3;
        }, "both nodes are listed", ct);

        Assert.Equal(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
            nodes!.Header());
        var controlPlane = nodes.Row("fakeapiserver-control-plane");
        var worker = nodes.Row("fakeapiserver-worker");
        Assert.Equal(["Ready", "control-plane"], controlPlane.Skip(1).Take(2));
        Assert.Equal(["Ready", "<none>"], worker.Skip(1).Take(2));
        Assert.Equal(["172.18.0.2", "<none>"], controlPlane.Skip(5).Take(2));
        Assert.Equal(["172.18.0.3", "<none>"], worker.Skip(5).Take(2));
        Assert.Equal("containerd://2.1.1", worker[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task An_applied_pod_becomes_Running_on_the_worker_with_an_IP(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
            """);

        (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        IReadOnlyList<string> row = [];
        await E2E.EventuallyAsync(async () =>
        {
            var pods = await kubectl.RunAsync("get", "pod", "web", "-o", "wide");
            row = pods.ExitCode == 0 ? pods.Row("web") : [];
            return row.Count > 2 && row[2] == "Running";
        }, "the pod is Running", ct);

        // NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES
        Assert.Equal(["1/1", "Running", "0"], row.Skip(1).Take(3));
        Assert.StartsWith("10.244.1.", row[5], StringComparison.Ordinal);
        Assert.Equal("fakeapiserver-worker", row[6]);
        var ips = (await kubectl.RunAsync("get", "pod", "web", "-o", "jsonpath={.status.podIPs[*].ip}")).Succeeded().Stdout.Split(' ');
        Assert.Equal(2, ips.Length);
        Assert.StartsWith("fd00:10:244:1::", ips[1], StringComparison.Ordinal);
    }
}
