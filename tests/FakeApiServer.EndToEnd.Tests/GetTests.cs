using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl get: server-side tables, -o wide, -A, -o yaml/name, errors.</summary>
public sealed class GetTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_lists_the_start_up_objects_as_tables(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var results = await Task.WhenAll(
            kubectl.RunAsync("get", "ns"),
            kubectl.RunAsync("get", "svc"),
            kubectl.RunAsync("get", "svc", "kubernetes", "-o", "name"),
            kubectl.RunAsync("get", "all"));
        var (ns, svc, svcName, all) = (results[0].Succeeded(), results[1].Succeeded(), results[2].Succeeded(), results[3].Succeeded());

        Assert.Equal(["NAME", "STATUS", "AGE"], ns.Header());
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.Equal("Active", ns.Row(name)[1]);
        }

        Assert.Equal(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], svc.Header());
        Assert.Equal(["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"], svc.Row("kubernetes").Take(5));
        Assert.Equal("service/kubernetes\n", svcName.Stdout);
        Assert.Equal("ClusterIP", all.Row("service/kubernetes")[1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_wide_shows_the_priority_columns(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(E2E.Pod("pending"), "default", cancellationToken: ct);
        var running = await cluster.Client.CoreV1.CreateNamespacedPodAsync(E2E.Pod("running", nodeName: "node-1"), "default", cancellationToken: ct);
        running.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "10.244.0.7",
            PodIPs = [new V1PodIP { Ip = "10.244.0.7" }],
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "main", Image = "busybox:1.36", ImageID = "", Ready = true, RestartCount = 0, Started = true,
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } },
                },
            ],
        };
        await cluster.Client.CoreV1.ReplaceNamespacedPodStatusAsync(running, "running", "default", cancellationToken: ct);

        var results = await Task.WhenAll(
            kubectl.RunAsync("get", "pods"),
            kubectl.RunAsync("get", "pods", "-o", "wide"),
            kubectl.RunAsync("get", "deploy,rs", "-o", "wide"));
        var (plain, wide, emptyWide) = (results[0].Succeeded(), results[1].Succeeded(), results[2]);

        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], plain.Header());
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], wide.Header());
        Assert.Equal(["pending", "0/1", "Pending", "0"], wide.Row("pending").Take(4));
        Assert.Equal(["<none>", "<none>", "<none>", "<none>"], wide.Row("pending").TakeLast(4));
        Assert.Equal(["running", "1/1", "Running", "0"], wide.Row("running").Take(4));
        Assert.Equal(["10.244.0.7", "node-1", "<none>", "<none>"], wide.Row("running").TakeLast(4));

        // Nothing to list: kubectl says so on stderr, with exit code 0.
        Assert.Equal(0, emptyWide.ExitCode);
        Assert.Equal("No resources found in default namespace.\n", emptyWide.Stderr);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_deployments_wide_and_all_namespaces(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", E2E.Manifest("shop"));
        (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();

        var results = await Task.WhenAll(
            kubectl.RunAsync("get", "deploy", "-n", "shop", "-o", "wide"),
            kubectl.RunAsync("get", "cm", "-A"),
            kubectl.RunAsync("get", "cm", "settings", "-n", "shop", "-o", "yaml"),
            kubectl.RunAsync("get", "cm", "-n", "shop", "-l", "app=web", "--show-labels"));
        var (deploy, all, yaml, labels) = (results[0].Succeeded(), results[1].Succeeded(), results[2].Succeeded(), results[3].Succeeded());

        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], deploy.Header());
        Assert.Equal(["nginx", "nginx:1.27", "app=web"], deploy.Row("web").TakeLast(3));
        Assert.Equal(["NAMESPACE", "NAME", "DATA", "AGE"], all.Header());
        Assert.Equal(["shop", "settings", "2"], all.Row("shop").Take(3));
        Assert.Contains("kind: ConfigMap\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("  color: blue\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.Equal(["NAME", "DATA", "AGE", "LABELS"], labels.Header());
        Assert.Equal("app=web", labels.Row("settings")[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_of_a_missing_object_prints_NotFound(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var results = await Task.WhenAll(
            kubectl.RunAsync("get", "cm", "nope"),
            kubectl.RunAsync("get", "deploy", "nope", "-n", "kube-system"),
            kubectl.RunAsync("get", "ns", "nope"));

        results[0].FailedWith("Error from server (NotFound): configmaps \"nope\" not found");
        results[1].FailedWith("Error from server (NotFound): deployments.apps \"nope\" not found");
        results[2].FailedWith("Error from server (NotFound): namespaces \"nope\" not found");
    }
}
