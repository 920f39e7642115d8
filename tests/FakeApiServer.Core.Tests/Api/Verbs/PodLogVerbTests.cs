using System.Net;
using System.Text.RegularExpressions;
using FakeApiServer.Controllers;
using FakeApiServer.Tests.Controllers;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Api.Verbs;

/// <summary>pods/log against the simulated kubelet's container logs: what it writes, upstream's options and errors, follow.</summary>
public sealed partial class PodLogVerbTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private const string Busybox = "docker.io/library/busybox:1.36";

    [Fact]
    public async Task A_running_containers_log_has_its_start_and_ready_lines_as_plain_text()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("web"), ct);
        await cluster.WaitForAsync(Pods + "/web", p => p.Phase() == "Running", ct);
        using var http = cluster.CreateHttpClient();

        using var response = await http.GetAsync(Pods + "/web/log", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"Started container main (image {Busybox})\nContainer main is ready\n", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Tail_since_timestamps_and_limit_bytes_select_lines_as_the_kubelet_does()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(ct, time);
        await cluster.CreateAsync(Pods, Pod("web", annotations: """{"fakeapiserver.io/log-lines":"one\ntwo\n@1m three\n"}"""), ct);
        await cluster.WaitForAsync(Pods + "/web", p => p.Phase() == "Running", ct);
        using var http = cluster.CreateHttpClient();
        using var follow = await FollowAsync(http, "web", ct);
        await follow.ReadUntilAsync("two", ct);

        time.Advance(TimeSpan.FromMinutes(1));
        await follow.ReadUntilAsync("three", ct);

        var all = "one\ntwo\nthree\n";
        Assert.Equal(all, await LogAsync(http, "web", "", ct));
        Assert.Equal("two\nthree\n", await LogAsync(http, "web", "tailLines=2", ct));
        Assert.Equal("", await LogAsync(http, "web", "tailLines=0", ct));
        Assert.Equal("three\n", await LogAsync(http, "web", "sinceSeconds=30", ct));
        Assert.Equal("three\n", await LogAsync(http, "web", "sinceSeconds=30&tailLines=2", ct));
        Assert.Equal("", await LogAsync(http, "web", "sinceTime=" + Uri.EscapeDataString(time.GetUtcNow().AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")), ct));
        Assert.Equal("one\ntw", await LogAsync(http, "web", "limitBytes=6", ct));
        Assert.Matches(Timestamped(), await LogAsync(http, "web", "timestamps=true&tailLines=1", ct));
        Assert.Equal(all, await LogAsync(http, "web", "container=main&insecureSkipTLSVerifyBackend=true", ct));
    }

    [Fact]
    public async Task Follow_streams_scripted_appended_and_timed_lines_until_the_pod_is_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(ct, time);
        await cluster.CreateAsync(Pods, Pod("web", annotations: """{"fakeapiserver.io/log-lines":"up\n@1m tick"}"""), ct);
        await cluster.WaitForAsync(Pods + "/web", p => p.Phase() == "Running", ct);
        using var http = cluster.CreateHttpClient();
        using var follow = await FollowAsync(http, "web", ct);
        Assert.Equal("up", await follow.Reader.ReadLineAsync(ct));

        await cluster.Logs.AppendAsync("default", "web", "main", "GET / 200\n", ct);
        Assert.Equal("GET / 200", await follow.Reader.ReadLineAsync(ct));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("tick", await follow.Reader.ReadLineAsync(ct));
        await cluster.DeleteAsync(Pods + "/web", ct);

        Assert.Null(await follow.Reader.ReadLineAsync(ct));
    }

    [Fact]
    public async Task Previous_shows_the_run_before_a_restart_with_its_exit_code()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(ct, time);
        await cluster.CreateAsync(Pods, Pod("crash", annotations: """{"fakeapiserver.io/exit-after":"1m","fakeapiserver.io/exit-code":"3"}"""), ct);
        await cluster.WaitForAsync(Pods + "/crash", p => p.Phase() == "Running", ct);
        using var http = cluster.CreateHttpClient();
        using var none = await http.GetAsync(Pods + "/crash/log?previous=true", ct);
        await none.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "previous terminated container \"main\" in pod \"crash\" not found", ct);
        using var follow = await FollowAsync(http, "crash", ct);
        await follow.ReadUntilAsync("Container main is ready", ct);

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("Container main exited with code 3", await follow.Reader.ReadLineAsync(ct));
        Assert.Null(await follow.Reader.ReadLineAsync(ct));
        await cluster.WaitForAsync(Pods + "/crash", p => (int?)p["status"]?["containerStatuses"]?[0]?["restartCount"] == 1, ct);
        Assert.Equal($"Started container main (image {Busybox}, restart 1)\nContainer main is ready\n", await LogAsync(http, "crash", "", ct));
        Assert.Equal($"Started container main (image {Busybox})\nContainer main is ready\nContainer main exited with code 3\n", await LogAsync(http, "crash", "previous=true", ct));
    }

    [Fact]
    public async Task The_KubernetesClient_follows_a_log_line_by_line()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("web"), ct);
        await cluster.WaitForAsync(Pods + "/web", p => p.Phase() == "Running", ct);

        await using var stream = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync("web", "default", follow: true, cancellationToken: ct);
        using var reader = new StreamReader(stream);
        Assert.Equal($"Started container main (image {Busybox})", await reader.ReadLineAsync(ct));
        Assert.Equal("Container main is ready", await reader.ReadLineAsync(ct));
        await cluster.Logs.AppendAsync("default", "web", "main", "hello", ct);

        Assert.Equal("hello", await reader.ReadLineAsync(ct));
        var tail = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync("web", "default", tailLines: 1, timestamps: true, cancellationToken: ct);
        Assert.Matches(" hello\n$", await new StreamReader(tail).ReadToEndAsync(ct));
    }

    [Theory]
    [InlineData("tailLines=-1", "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("limitBytes=0", "PodLogOptions \"web\" is invalid: limitBytes: Invalid value: 0: must be greater than 0")]
    [InlineData("sinceSeconds=0", "PodLogOptions \"web\" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0")]
    [InlineData("sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z", "PodLogOptions \"web\" is invalid: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")]
    [InlineData("stream=Stdout", "PodLogOptions \"web\" is invalid: stream: Forbidden: may not be specified")]
    public async Task Options_upstream_refuses_are_422_for_PodLogOptions(string query, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("web"), ct);
        using var http = cluster.CreateHttpClient();

        using var response = await http.GetAsync(Pods + "/web/log?" + query, ct);

        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", message, ct);
    }

    [Fact]
    public async Task Container_errors_are_upstreams_400s_a_pod_on_no_node_has_an_empty_log_and_a_missing_pod_is_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("web", """{"initContainers":[{"name":"init","image":"busybox"}],"containers":[{"name":"a","image":"busybox"},{"name":"b","image":"busybox"}]}"""), ct);
        using var http = cluster.CreateHttpClient();

        using var unnamed = await http.GetAsync(Pods + "/web/log", ct);
        using var unknown = await http.GetAsync(Pods + "/web/log?container=zz", ct);
        using var bad = await http.GetAsync(Pods + "/web/log?follow=maybe", ct);
        using var missing = await http.GetAsync(Pods + "/missing/log", ct);

        await unnamed.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "a container name must be specified for pod web, choose one of: [init a b]", ct);
        await unknown.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "container zz is not valid for pod web", ct);
        await bad.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "follow: Invalid value: \"maybe\": strconv.ParseBool: parsing \"maybe\": invalid syntax", ct);
        await missing.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "pods \"missing\" not found", ct);
        Assert.Equal("", await LogAsync(http, "web", "container=a", ct));
    }

    private static Task<FakeCluster> StartAsync(CancellationToken cancellationToken, TimeProvider? time = null) =>
        FakeCluster.StartAsync(new FakeClusterOptions
        {
            Controllers = ControllerSelection.Parse("namespace,node-simulator,scheduler,kubelet,serviceaccount"),
            TimeProvider = time ?? TimeProvider.System,
        }, cancellationToken);

    private static async Task<string> LogAsync(HttpClient http, string pod, string query, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"{Pods}/{pod}/log?{query}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private static async Task<FollowedLog> FollowAsync(HttpClient http, string pod, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"{Pods}/{pod}/log?follow=true", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new FollowedLog(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z three\n$")]
    private static partial Regex Timestamped();

    /// <summary>A followed log: its response and a reader of its lines.</summary>
    private sealed record FollowedLog(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        /// <summary>Reads lines until <paramref name="line"/> (which must come before the stream ends).</summary>
        public async Task ReadUntilAsync(string line, CancellationToken cancellationToken)
        {
            while (await Reader.ReadLineAsync(cancellationToken) is { } read)
            {
                if (read == line)
                {
                    return;
                }
            }

            Assert.Fail("the log ended before " + line);
        }

        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }
}
