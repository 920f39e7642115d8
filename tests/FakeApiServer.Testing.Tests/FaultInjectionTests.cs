using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.FaultInjection;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Testing.Tests;

public sealed class FaultInjectionTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(429, "TooManyRequests", "Too many requests, please try again later.")]
    [InlineData(500, "InternalError", "Internal error occurred: fakeapiserver: injected fault")]
    [InlineData(503, "ServiceUnavailable", "the server is currently unable to handle the request")]
    [InlineData(504, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded")]
    [InlineData(409, "Conflict", "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again")]
    public async Task A_status_fault_answers_with_upstreams_reason_and_message(int code, string reason, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var fault = cluster.Faults.Add(new FaultRule { Verb = "get", Resource = "configmaps", Name = "a", StatusCode = code, Times = 1 });
        using var http = cluster.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("api/v1/namespaces/default/configmaps/a", UriKind.Relative), ct);

        Assert.Equal(code, (int)response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Equal(message, (string?)status["message"]);
        Assert.Equal(code == 429 ? "1" : null, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Used up: the next read is served (a 404, the ConfigMap does not exist).
        using var next = await http.GetAsync(new Uri("api/v1/namespaces/default/configmaps/a", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, next.StatusCode);
        Assert.Empty(cluster.Faults.Active);
    }

    [Fact]
    public async Task A_rule_matches_only_its_user_field_manager_and_predicate()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var fault = cluster.Faults.Add(new FaultRule
        {
            Verb = "create,patch",
            Resource = "configmaps",
            FieldManager = "robot",
            When = r => r.Namespace == "default",
            StatusCode = 500,
        });

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("a"), "default", fieldManager: "human", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("b"), "kube-system", fieldManager: "robot", cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("c"), "default", fieldManager: "robot", cancellationToken: ct));

        Assert.Equal(HttpStatusCode.InternalServerError, refused.Response.StatusCode);
        Assert.Equal(1, fault.Hits);
        Assert.Null(fault.Remaining);
    }

    [Fact]
    public async Task A_seeded_probability_repeats_the_same_choices()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.CreateHttpClient();

        async Task<string> RunAsync()
        {
            using var fault = cluster.Faults.Add(new FaultRule { Resource = "namespaces", StatusCode = 503, Probability = 0.5, Seed = 7 });
            var codes = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                using var response = await http.GetAsync(new Uri("api/v1/namespaces/default", UriKind.Relative), ct);
                codes.Add((int)response.StatusCode);
            }

            return string.Join(",", codes);
        }

        var first = await RunAsync();
        Assert.Equal(first, await RunAsync());
        Assert.Contains("503", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delay_waits_on_the_clusters_clock()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = new FakeClusterClock() }, ct);
        // Below the server's request timeout (60 s), which the same jump would otherwise pass: then the answer is a 504.
        using var slow = cluster.Faults.Add(new FaultRule { Verb = "get", Resource = "namespaces", Name = "default", Delay = TimeSpan.FromSeconds(30) });
        using var recording = cluster.StartRecording();

        var read = cluster.Client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
        await slow.WaitForHitsAsync(1, ct);
        Assert.False(read.IsCompleted);
        cluster.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("default", (await read).Metadata.Name);
        Assert.True(recording.For("get", "namespaces", "default").Single().Latency >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_dropped_connection_gives_the_client_no_answer()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var drop = cluster.Faults.Add(new FaultRule { Verb = "list", Resource = "pods", DropConnection = true, Times = 1 });
        using var http = cluster.CreateHttpClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("api/v1/pods", UriKind.Relative), ct));
        using var next = await http.GetAsync(new Uri("api/v1/pods", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_watch_closed_after_two_events_ends_cleanly_after_them()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        for (var i = 0; i < 4; i++)
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Cm("c" + i), "default", cancellationToken: ct);
        }

        using var close = cluster.Faults.Add(new FaultRule { Verb = "watch", Resource = "configmaps", CloseWatchAfterEvents = 2 });
        var types = new List<WatchEventType>();
        await foreach (var (type, _) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "0", cancellationToken: ct))
        {
            types.Add(type);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Added], types);
    }

    [Fact]
    public void A_rule_without_an_action_is_refused()
    {
        var rules = new FaultRules();
        Assert.Throws<ArgumentException>(() => rules.Add(new FaultRule { Resource = "pods" }));
        Assert.Throws<ArgumentException>(() => rules.Add(new FaultRule { StatusCode = 42 }));
    }

    private static V1ConfigMap Cm(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };
}
