using System.Net;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl exec, attach and port-forward through both transports against an in-process container runtime
/// (<see cref="TestContainerRuntime"/>): kubectl 1.27 speaks SPDY/3.1, kubectl 1.33 WebSockets (v5.channel.k8s.io, and
/// SPDY tunnelled in WebSocket for port-forward).
/// </summary>
public sealed class ContainerStreamsTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_prints_stdout_and_stderr_and_exits_with_the_command_exit_code(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var echo = (await kubectl.RunAsync("exec", "web", "--", "echo", "hello", "world")).Succeeded();
        Assert.Equal("hello world\n", echo.Stdout);

        var failed = await kubectl.RunAsync("exec", "web", "--", "fail", "3");
        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("out\n", failed.Stdout);
        Assert.Equal("err\ncommand terminated with exit code 3\n", failed.Stderr);

        var missing = await kubectl.RunAsync("exec", "web", "--", "ls");
        Assert.Equal(127, missing.ExitCode);
        Assert.StartsWith("sh: ls: command not found\n", missing.Stderr, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_with_stdin_echoes_what_is_piped(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var input = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n"));
        var cat = (await kubectl.RunWithInputAsync(input, "exec", "-i", "web", "--", "cat")).Succeeded();

        Assert.Equal(input, cat.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Attach_shows_what_the_container_writes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var attach = (await kubectl.RunAsync("attach", "-q", "web")).Succeeded();

        Assert.Equal("attached to main\n", attach.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Port_forward_carries_an_http_request_to_the_pod_port(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        await using var server = new OneResponseHttpServer("hello through the pod");
        fixture.Runtime.Ports[80] = server.Port;
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        await using var forward = kubectl.Start("port-forward", "pod/web", ":80");
        var line = await forward.WaitForLineAsync(c => c is ["Forwarding", "from", _, "->", "80"] && c[2].StartsWith("127.0.0.1:", StringComparison.Ordinal), 0, E2E.Wait, "Forwarding from 127.0.0.1");
        var local = forward.Lines[line].Split(' ')[2];
        using var http = new HttpClient();
        string first;
        try
        {
            first = await http.GetStringAsync(new Uri($"http://{local}/"), timeout.Token);
        }
        catch (HttpRequestException e)
        {
            Assert.Fail(e.Message + (await forward.StopAsync()).ToString());
            throw;
        }

        var second = await http.GetStringAsync(new Uri($"http://{local}/again"), timeout.Token);

        Assert.Equal("hello through the pod", first);
        Assert.Equal("hello through the pod", second);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Exec_into_a_missing_pod_is_not_found(string version)
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(fixture.Cluster, version);

        var missing = await kubectl.RunAsync("exec", "missing", "--", "ls");

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("(NotFound): pods \"missing\" not found", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csharp_client_execs_and_reads_output_and_the_exit_code()
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        var client = (Kubernetes)fixture.Cluster.Client;
        string? echoed = null;
        string? errors = null;

        var echo = await client.NamespacedPodExecAsync("web", "default", "main", ["echo", "from", "csharp"], tty: false, async (stdin, stdout, stderr) =>
        {
            using var reader = new StreamReader(stdout);
            echoed = await reader.ReadToEndAsync(timeout.Token);
        }, timeout.Token);
        var fail = await client.NamespacedPodExecAsync("web", "default", "main", ["fail", "4"], tty: false, async (stdin, stdout, stderr) =>
        {
            using var reader = new StreamReader(stderr);
            errors = await reader.ReadToEndAsync(timeout.Token);
        }, timeout.Token);

        Assert.Equal((0, "from csharp\n"), (echo, echoed));
        Assert.Equal((4, "err\n"), (fail, errors));
    }

    [Fact]
    public async Task The_csharp_client_forwards_a_port_over_websocket_channels()
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        await using var server = new OneResponseHttpServer("hello over channels");
        fixture.Runtime.Ports[8080] = server.Port;
        var client = (Kubernetes)fixture.Cluster.Client;

        using var socket = await client.WebSocketNamespacedPodPortForwardAsync("web", "default", [8080], "v4.channel.k8s.io", cancellationToken: timeout.Token);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        using var stream = demuxer.GetStream((byte?)0, (byte?)0);
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: pod\r\n\r\n"u8.ToArray(), timeout.Token);
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nhello over channels", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_an_upgrade_is_a_bad_request()
    {
        using var timeout = E2E.Timeout();
        await using var fixture = await StartAsync(timeout.Token);
        using var http = fixture.Cluster.CreateHttpClient();

        using var portForward = await http.PostAsync("/api/v1/namespaces/default/pods/web/portforward?ports=80", null, timeout.Token);
        using var exec = await http.PostAsync("/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true", null, timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, portForward.StatusCode);
        Assert.Contains("\"message\":\"Upgrade request required\"", await portForward.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, exec.StatusCode);
    }

    /// <summary>A cluster whose pod "web" (one container, "main") runs on a simulated node, with a test runtime behind its containers.</summary>
    private static async Task<Fixture> StartAsync(CancellationToken cancellationToken)
    {
        var runtime = new TestContainerRuntime();
        var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions
            {
                Controllers = ControllerSelection.Parse("namespace,garbage-collector,serviceaccount,node-simulator,scheduler,kubelet"),
                ContainerRuntime = runtime,
            },
            cancellationToken);
        try
        {
            var pod = E2E.Pod("web");
            pod.Spec.Containers[0].Name = "main";
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: cancellationToken);
            await E2E.EventuallyAsync(
                async () => (await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", "default", cancellationToken: cancellationToken)).Status?.Phase == "Running",
                "pod web runs",
                cancellationToken);
            return new Fixture(cluster, runtime);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private sealed record Fixture(FakeCluster Cluster, TestContainerRuntime Runtime) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }
}
