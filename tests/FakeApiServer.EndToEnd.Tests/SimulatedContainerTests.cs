using System.Security.Cryptography;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl against the simulated containers themselves (no test runtime): container rules from a --container-rules
/// file, the built-in shell and its in-memory file system, through kubectl 1.27 (SPDY) and 1.33 (WebSockets).
/// </summary>
public sealed class SimulatedContainerTests
{
    private const string Controllers = "namespace,garbage-collector,serviceaccount,node-simulator,scheduler,kubelet";

    private const string Objects = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: default
        data:
          color: blue
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: default
          labels:
            app: web
        spec:
          containers:
          - name: main
            image: busybox:1.36
            env:
            - name: FOO
              value: bar
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            volumeMounts:
            - name: settings
              mountPath: /etc/settings
          volumes:
          - name: settings
            configMap:
              name: settings
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: half-done
          namespace: default
          annotations:
            fakeapiserver.io/fail-containers: done
        spec:
          restartPolicy: Never
          containers:
          - name: runs
            image: busybox:1.36
          - name: done
            image: busybox:1.36
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_in_a_terminal_answers_from_a_rule_and_from_the_built_in_shell(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var ping = await kubectl.RunInTerminalAsync("", "exec", "-it", "web", "--", "redis-cli", "ping");
        var shell = await kubectl.RunInTerminalAsync("echo hi $FOO\rexit 3\r", "exec", "-it", "web", "--", "sh");

        Assert.True(ping.ExitCode == 0 && ping.Stdout.Contains("PONG\r\n", StringComparison.Ordinal), ping.ToString());
        Assert.DoesNotContain("Unhandled Error", ping.Stdout, StringComparison.Ordinal);
        Assert.True(shell.ExitCode == 3 && shell.Stdout.Contains("hi bar\r\n", StringComparison.Ordinal), shell.ToString());
        Assert.Contains("command terminated with exit code 3", shell.Stdout, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_env_and_cat_show_the_container_spec_and_its_volumes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var env = (await kubectl.RunAsync("exec", "web", "--", "env")).Succeeded().Lines;
        var color = (await kubectl.RunAsync("exec", "web", "--", "cat", "/etc/settings/color")).Succeeded();

        Assert.Contains("FOO=bar", env);
        Assert.Contains("POD_NAME=web", env);
        Assert.Contains("HOSTNAME=web", env);
        Assert.Equal("blue", color.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Cp_copies_a_file_into_the_container_and_back_out_unchanged(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);
        var data = new byte[300_000];
        new Random(18).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(kubectl.Folder, "data.bin"), data, timeout.Token);

        var copyIn = await kubectl.RunAsync("cp", "data.bin", "web:/tmp/data.bin");
        var sum = (await kubectl.RunAsync("exec", "web", "--", "sha256sum", "/tmp/data.bin")).Succeeded();
        var copyOut = await kubectl.RunAsync("cp", "web:/tmp/data.bin", "back.bin");

        Assert.True(copyIn.ExitCode == 0, copyIn.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)) + "  /tmp/data.bin\n", sum.Stdout);
        Assert.True(copyOut.ExitCode == 0, copyOut.ToString());
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(kubectl.Folder, "back.bin"), timeout.Token));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Attach_shows_what_a_rule_writes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        await using var attach = kubectl.Start("attach", "web");

        await attach.WaitForLineAsync(c => string.Join(' ', c) == "hello from attach", 0, E2E.Wait, "the rule's output");
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_follow_sees_a_rules_line_written_after_the_container_started(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        await using var follow = kubectl.Start("logs", "-f", "web");

        var starting = await follow.WaitForLineAsync(c => string.Join(' ', c) == "starting", 0, E2E.Wait, "the rule's first line");
        await follow.WaitForLineAsync(c => string.Join(' ', c) == "ready after a second", starting + 1, E2E.Wait, "the rule's timed line");
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Port_forward_reaches_the_local_server_a_rule_names(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        await using var forward = kubectl.Start("port-forward", "pod/web", ":80");
        var line = await forward.WaitForLineAsync(c => c is ["Forwarding", "from", _, "->", "80"] && c[2].StartsWith("127.0.0.1:", StringComparison.Ordinal), 0, E2E.Wait, "Forwarding from 127.0.0.1");
        using var http = new HttpClient();
        var body = await http.GetStringAsync(new Uri($"http://{forward.Lines[line].Split(' ')[2]}/"), timeout.Token);

        Assert.Equal("served by the test", body);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_into_a_container_that_is_not_running_is_refused_as_the_kubelet_refuses_it(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var exec = await kubectl.RunAsync("exec", "half-done", "-c", "done", "--", "ls");

        // Through the v5 stream translator (kubectl 1.30+) the kubelet's plain-text refusal becomes an InternalError.
        var prefix = string.CompareOrdinal(version, "1.30") >= 0 ? "Internal error occurred: " : "";
        exec.FailedWith($"error: {prefix}unable to upgrade connection: container not found (\"done\")");
    }

    /// <summary>A cluster with the rules file, the settings ConfigMap, pod web running and pod half-done with one of its two containers ended.</summary>
    private static async Task<Fixture> StartAsync(CancellationToken cancellationToken)
    {
        var server = new OneResponseHttpServer("served by the test");
        var rules = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(rules, $$$"""
            rules:
            - selector: {matchLabels: {app: web}}
              exec:
                commandPrefix: [redis-cli]
                stdout: "PONG\n"
            - selector: {matchLabels: {app: web}}
              attach:
                output:
                - text: "hello from attach\n"
            - selector: {matchLabels: {app: web}}
              logs:
                lines: ["starting", {text: "ready after a second", after: 1s}]
            - selector: {matchLabels: {app: web}}
              portForward: {port: 80, target: "127.0.0.1:{{{server.Port}}}"}
            """, cancellationToken);
        FakeCluster? cluster = null;
        try
        {
            cluster = await FakeCluster.StartAsync(
                new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers), ContainerRulesFile = rules },
                cancellationToken);
            await cluster.ApplyAsync(Objects, cancellationToken);
            var pods = cluster.Client.CoreV1;
            await E2E.EventuallyAsync(
                async () => (await pods.ReadNamespacedPodAsync("web", "default", cancellationToken: cancellationToken)).Status?.Phase == "Running",
                "pod web runs",
                cancellationToken);
            await E2E.EventuallyAsync(
                async () => (await pods.ReadNamespacedPodAsync("half-done", "default", cancellationToken: cancellationToken)).Status?.ContainerStatuses?.Any(c => c.Name == "done" && c.State?.Terminated is not null) == true,
                "container done of pod half-done ended",
                cancellationToken);
            return new Fixture(cluster, server, rules);
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            await server.DisposeAsync();
            File.Delete(rules);
            throw;
        }
    }

    private sealed record Fixture(FakeCluster Cluster, OneResponseHttpServer Server, string RulesFile) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Server.DisposeAsync();
            File.Delete(RulesFile);
        }
    }
}
