using System.Text.RegularExpressions;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl logs against the simulated kubelet's container logs: options, follow, --previous, workloads and selectors.</summary>
public sealed partial class PodLogsTests
{
    private const string Controllers = "namespace,garbage-collector,node-simulator,scheduler,kubelet,deployment,replicaset";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_show_scripted_and_default_lines_with_tail_since_timestamps_and_all_containers(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: two
              annotations:
                fakeapiserver.io/log-lines: |
                  listening on :8080
                  GET /healthz 200
            spec:
              containers:
              - {name: main, image: busybox:1.36}
              initContainers:
              - {name: setup, image: nginx:1.27}
            """))).Succeeded();
        (await kubectl.RunAsync("wait", "--for=condition=Ready", "pod/two", "--timeout=30s")).Succeeded();
        string[] main = ["listening on :8080", "GET /healthz 200"];
        string[] setup = ["Started container setup (image docker.io/library/nginx:1.27)", "Container setup exited with code 0"];

        Assert.Equal(main, (await kubectl.RunAsync("logs", "two", "-c", "main")).Succeeded().Lines);
        Assert.Equal(setup, (await kubectl.RunAsync("logs", "pod/two", "--container=setup")).Succeeded().Lines);
        Assert.Equal(["GET /healthz 200"], (await kubectl.RunAsync("logs", "two", "-c", "main", "--tail=1")).Succeeded().Lines);
        Assert.Equal(main, (await kubectl.RunAsync("logs", "two", "-c", "main", "--since=1h")).Succeeded().Lines);
        Assert.Empty((await kubectl.RunAsync("logs", "two", "-c", "main", "--since-time=2099-01-01T00:00:00Z")).Succeeded().Lines);
        Assert.Matches(Timestamped(), Assert.Single((await kubectl.RunAsync("logs", "two", "-c", "main", "--tail=1", "--timestamps")).Succeeded().Lines));
        // kubectl 1.33 reads the containers' logs concurrently: each container's lines, in any interleaving.
        var all = (await kubectl.RunAsync("logs", "two", "--all-containers")).Succeeded().Lines;
        Assert.Equal(main.Concat(setup).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        (await kubectl.RunAsync("logs", "two", "-c", "zz")).FailedWith("error: container zz is not valid for pod two");
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_follow_sees_a_line_appended_while_it_follows(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("run", "web", "--image=nginx:1.27")).Succeeded();
        (await kubectl.RunAsync("wait", "--for=condition=Ready", "pod/web", "--timeout=30s")).Succeeded();

        await using var follow = kubectl.Start("logs", "-f", "web");
        var ready = await follow.WaitForLineAsync(c => string.Join(' ', c) == "Container web is ready", 0, E2E.Wait, "saying the container is ready");
        await cluster.Logs.AppendAsync("default", "web", "web", "GET / 200 appended by the test", ct);

        await follow.WaitForLineAsync(c => string.Join(' ', c) == "GET / 200 appended by the test", ready + 1, E2E.Wait, "with the appended line");
        (await kubectl.RunAsync("delete", "pod", "web")).Succeeded();
        var ended = await follow.WaitForExitAsync(ct);
        Assert.Equal(0, ended.ExitCode);
        Assert.Equal("Container web exited with code 0", ended.Lines[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_previous_shows_the_run_before_a_crash_loop_restart(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("run", "crash", "--image=busybox:1.36", "--annotations=fakeapiserver.io/fail-containers=crash")).Succeeded();
        await E2E.EventuallyAsync(async () =>
            (await cluster.Client.CoreV1.ReadNamespacedPodAsync("crash", "default", cancellationToken: ct)).Status?.ContainerStatuses?[0].RestartCount >= 1,
            "the container crash restarted", ct);

        var previous = (await kubectl.RunAsync("logs", "crash", "--previous")).Succeeded().Lines;

        Assert.StartsWith("Started container crash (image docker.io/library/busybox:1.36", previous[0], StringComparison.Ordinal);
        Assert.Equal("Container crash exited with code 1", previous[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_of_a_deployment_and_of_a_label_selector(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")).Succeeded();
        (await kubectl.RunAsync("rollout", "status", "deployment/web", "--timeout=30s")).Succeeded();
        string[] lines = ["Started container nginx (image docker.io/library/nginx:1.27)", "Container nginx is ready"];

        var deployment = await kubectl.RunAsync("logs", "deploy/web");
        Assert.Equal(0, deployment.ExitCode);
        Assert.StartsWith("Found 2 pods, using pod/web-", deployment.Stderr, StringComparison.Ordinal);
        Assert.Equal(lines, deployment.Lines);
        Assert.Equal([.. lines, .. lines], (await kubectl.RunAsync("logs", "-l", "app=web")).Succeeded().Lines);
    }

    private static Task<FakeCluster> StartAsync(CancellationToken cancellationToken) =>
        FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers) }, cancellationToken);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z GET /healthz 200$")]
    private static partial Regex Timestamped();
}
