using System.Collections.Concurrent;
using FakeApiServer.Observability;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Observability;

/// <summary>/metrics: Prometheus' parser reads it, and a scripted workload is counted exactly, as kube-apiserver labels it.</summary>
public sealed class MetricsEndpointTests
{
    /// <summary>kube-apiserver's apiserver_request_duration_seconds buckets.</summary>
    private static readonly string[] LatencyBuckets =
        ["0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf"];

    [Fact]
    public async Task A_scripted_workload_is_counted_exactly_by_verb_resource_and_code_in_a_scrape_Prometheus_parses()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        var answered = new AnsweredRequests();
        using var subscription = cluster.Requests.Subscribe(answered);
        var client = cluster.Client.CoreV1;

        foreach (var name in (string[])["a", "b", "c"])
        {
            await client.CreateNamespacedConfigMapAsync(ConfigMap(name), "default", cancellationToken: ct);
        }

        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct));
        await client.CreateNamespacedConfigMapAsync(ConfigMap("d"), "default", dryRun: "All", cancellationToken: ct);
        await client.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: ct);
        await client.ReadNamespacedConfigMapAsync("b", "default", cancellationToken: ct);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.ReadNamespacedConfigMapAsync("missing", "default", cancellationToken: ct));
        var list = await client.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await client.ReplaceNamespacedConfigMapAsync(ConfigMap("a"), "a", "default", cancellationToken: ct);
        await client.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "b", "default", cancellationToken: ct);
        await client.DeleteNamespacedConfigMapAsync("c", "default", cancellationToken: ct);
        using var http = cluster.CreateHttpClient();
        using (var watch = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead, ct))
        using (var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(ct)))
        {
            Assert.Contains("\"ADDED\"", await reader.ReadLineAsync(ct), StringComparison.Ordinal);
            Assert.Contains("\"ADDED\"", await reader.ReadLineAsync(ct), StringComparison.Ordinal);
        }

        // The observers are told in order: once this one has seen the 13th request, the metrics have counted it too.
        await answered.WaitForAsync(13, ct);
        var scrape = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics", ct), ct);

        double Requests(string verb, string code, string dryRun = "") =>
            scrape.Value("apiserver_request_total", ("verb", verb), ("resource", "configmaps"), ("code", code), ("dry_run", dryRun));
        Assert.Equal(
            [3, 1, 1, 2, 1, 1, 1, 1, 1, 1],
            [Requests("POST", "201"), Requests("POST", "409"), Requests("POST", "201", "All"), Requests("GET", "200"), Requests("GET", "404"),
             Requests("LIST", "200"), Requests("PUT", "200"), Requests("PATCH", "200"), Requests("DELETE", "200"), Requests("WATCH", "200")]);
        Assert.Equal(13, scrape.Find("apiserver_request_total", ("resource", "configmaps")).Sum(s => s.Value));
        Assert.All(
            scrape.Find("apiserver_request_total", ("resource", "configmaps")),
            s => Assert.Equal(("", "v1", "apiserver", "", s.Labels["verb"] is "POST" or "GET" or "PUT" or "PATCH" or "DELETE" ? "resource" : "namespace"),
                (s.Labels["group"], s.Labels["version"], s.Labels["component"], s.Labels["subresource"], s.Labels["scope"])));
        Assert.Equal("counter", scrape.Types["apiserver_request"]);

        Assert.Equal("histogram", scrape.Types["apiserver_request_duration_seconds"]);
        double Durations(string verb, string dryRun = "") =>
            scrape.Value("apiserver_request_duration_seconds_count", ("verb", verb), ("resource", "configmaps"), ("dry_run", dryRun));
        Assert.Equal([4, 1, 3, 1, 1, 1, 1, 1], [Durations("POST"), Durations("POST", "All"), Durations("GET"), Durations("LIST"), Durations("PUT"), Durations("PATCH"), Durations("DELETE"), Durations("WATCH")]);
        var getBuckets = scrape.Find("apiserver_request_duration_seconds_bucket", ("verb", "GET"), ("resource", "configmaps")).ToList();
        Assert.Equal(LatencyBuckets, getBuckets.Select(b => b.Labels["le"]));
        Assert.Equal(3, getBuckets.Single(b => b.Labels["le"] == "+Inf").Value);

        Assert.Equal(2, scrape.Value("apiserver_watch_events_total", ("resource", "configmaps")));
        Assert.Equal(0, scrape.Value("apiserver_longrunning_requests", ("verb", "WATCH"), ("resource", "configmaps")));
        Assert.Equal(0, scrape.Value("apiserver_registered_watchers", ("kind", "ConfigMap")));
        Assert.Equal(list.Items.Count - 1, scrape.Value("apiserver_storage_objects", ("resource", "configmaps")));
        Assert.True(scrape.Value("apiserver_admission_controller_admission_duration_seconds_count", ("name", "ValidatingAdmissionWebhook"), ("type", "validate"), ("operation", "CREATE"), ("rejected", "false")) >= 3);
        Assert.True(scrape.Find("fakeapiserver_storage_commit_batch_size_count").Single().Value >= 6);
        Assert.Contains(scrape.Samples, s => s.Name == "workqueue_adds_total" && s.Labels["name"] == "serviceaccount");
        Assert.Contains(scrape.Samples, s => s.Name == "kubernetes_feature_enabled" && s.Labels.ContainsKey("stage"));
        Assert.Equal(["mutating", "readOnly"], scrape.Find("apiserver_current_inflight_requests").Select(s => s.Labels["request_kind"]).Order(StringComparer.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_servers_in_one_process_count_only_their_own_requests()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var first = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        await using var second = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        var answered = new AnsweredRequests();
        using var subscription = first.Requests.Subscribe(answered);
        await first.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await answered.WaitForAsync(1, ct);

        using var firstHttp = first.CreateHttpClient();
        using var secondHttp = second.CreateHttpClient();
        var firstScrape = await PrometheusText.ParseAsync(await firstHttp.GetStringAsync("/metrics", ct), ct);
        var secondScrape = await PrometheusText.ParseAsync(await secondHttp.GetStringAsync("/metrics", ct), ct);

        Assert.Equal(1, firstScrape.Value("apiserver_request_total", ("verb", "POST"), ("resource", "configmaps"), ("code", "201")));
        Assert.Empty(secondScrape.Find("apiserver_request_total", ("resource", "configmaps")));
    }

    [Fact]
    public async Task Requests_past_the_series_limit_are_still_counted_in_one_overflow_series()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        using var http = cluster.CreateHttpClient();
        var before = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics", ct), ct);
        var counted = before.Find("apiserver_request_total").Sum(s => s.Value);

        // Each unknown resource is a label set of its own (a 404 is counted like any resource request): more of them
        // than the series limit, so the last ones can only be counted together.
        const int Requests = 2100;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/default/nosuch{i}", ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        var scrape = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics", ct), ct);

        Assert.Equal(counted + Requests, scrape.Find("apiserver_request_total").Sum(s => s.Value));
        Assert.Equal(1, scrape.Value("apiserver_request_total", ("resource", "nosuch0"), ("code", "404"), ("verb", "LIST")));
        Assert.True(scrape.Value("apiserver_request_total", ("otel_metric_overflow", "true")) >= Requests - 2000);
    }

    [Fact]
    public async Task With_metrics_off_the_endpoint_serves_the_feature_gates_alone()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Metrics = false }, ct);
        await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        using var http = cluster.CreateHttpClient();

        var scrape = await PrometheusText.ParseAsync(await http.GetStringAsync("/metrics", ct), ct);

        Assert.Equal(["kubernetes_feature_enabled"], scrape.Types.Keys);
    }

    private static V1ConfigMap ConfigMap(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };

    /// <summary>Counts the requests the server answered, and lets a test wait for the n-th.</summary>
    private sealed class AnsweredRequests : IRequestObserver
    {
        private readonly ConcurrentQueue<TaskCompletionSource> _waiting = new();
        private int _count;

        public void OnCompleted(CompletedRequest request)
        {
            Interlocked.Increment(ref _count);
            foreach (var waiting in _waiting)
            {
                waiting.TrySetResult();
            }
        }

        public async Task WaitForAsync(int count, CancellationToken cancellationToken)
        {
            while (Volatile.Read(ref _count) < count)
            {
                var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue(next);
                if (Volatile.Read(ref _count) >= count)
                {
                    break;
                }

                await next.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
