using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Controllers;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Apis.Metrics;

/// <summary>
/// metrics.k8s.io/v1beta1 as metrics-server serves it, from the simulated usage: running pods only, usage from the
/// fixture, the annotations, the requests or the idle default; nodes add a base to their pods; get, list with selectors,
/// tables, no watch, discovery and the APIService.
/// </summary>
public sealed class MetricsApiTests
{
    private const string Controllers = "namespace,node-simulator,scheduler,kubelet,serviceaccount";

    [Fact]
    public async Task Pod_and_node_metrics_report_the_simulated_usage_of_running_pods()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartClusterAsync(time, ct);
        await CreatePodsAsync(cluster, ct);

        var busy = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy", ct);
        Assert.Equal(("PodMetrics", "metrics.k8s.io/v1beta1", "15s"), ((string?)busy["kind"], (string?)busy["apiVersion"], (string?)busy["window"]));
        Assert.Equal("busy", (string?)busy["metadata"]!["labels"]!["app"]);
        Assert.Equal("""[{"name":"main","usage":{"cpu":"250m","memory":"64Mi"}}]""", busy["containers"]!.ToJsonString());

        var sized = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?fieldSelector=metadata.name%3Dsized", ct);
        var item = Assert.Single((JsonArray)sized["items"]!);
        Assert.Equal(("PodMetricsList", "sized"), ((string?)sized["kind"], (string?)item!["metadata"]!["name"]));
        Assert.Equal("""[{"name":"main","usage":{"cpu":"100m","memory":"32Mi"}},{"name":"sidecar","usage":{"cpu":"1m","memory":"4Mi"}}]""",
            item["containers"]!.ToJsonString());

        var byLabel = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dbusy", ct);
        Assert.Equal(["busy"], ((JsonArray)byLabel["items"]!).Select(i => (string?)i!["metadata"]!["name"]));

        // Both pods run on the worker (the control plane is tainted): 50m + 250m + 100m + 1m, 256Mi + 64Mi + 32Mi + 4Mi.
        var nodes = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/nodes", ct);
        var usage = ((JsonArray)nodes["items"]!).ToDictionary(n => (string)n!["metadata"]!["name"]!, n => n!["usage"]!.ToJsonString());
        Assert.Equal("""{"cpu":"50m","memory":"256Mi"}""", usage[ControlPlane]);
        Assert.Equal("""{"cpu":"401m","memory":"356Mi"}""", usage[Worker]);
        var worker = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/nodes/" + Worker, ct);
        Assert.Equal(("NodeMetrics", "15s"), ((string?)worker["kind"], (string?)worker["window"]));
    }

    [Fact]
    public async Task A_pod_that_does_not_run_has_no_metrics_and_a_missing_one_is_a_missing_pod()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartClusterAsync(new SteppedTime(), ct);
        await cluster.CreateAsync("/api/v1/namespaces/default/pods", Pod("pending", """{"nodeSelector":{"nowhere":"true"}}"""), ct);

        var (pendingCode, pending) = await GetStatusAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/pending", ct);
        var (missingCode, missing) = await GetStatusAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/missing", ct);
        var (nodeCode, node) = await GetStatusAsync(cluster, "/apis/metrics.k8s.io/v1beta1/nodes/missing", ct);
        var list = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", ct);

        Assert.Equal((HttpStatusCode.NotFound, "podmetrics.metrics.k8s.io \"default/pending\" not found"), (pendingCode, (string?)pending["message"]));
        Assert.Equal((HttpStatusCode.NotFound, "pods \"missing\" not found"), (missingCode, (string?)missing["message"]));
        Assert.Equal((HttpStatusCode.NotFound, "nodes \"missing\" not found"), (nodeCode, (string?)node["message"]));
        Assert.Empty((JsonArray)list["items"]!);
    }

    [Fact]
    public async Task The_fixture_overrides_annotations_and_requests_and_a_ramp_follows_the_clock()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartClusterAsync(time, ct);
        await CreatePodsAsync(cluster, ct);
        await cluster.CreateAsync("/api/v1/namespaces/default/pods", Pod("ramp", annotations: """{"fakeapiserver.io/cpu-usage":"100m->900m/5m"}"""), ct);
        await cluster.WaitForAsync("/api/v1/namespaces/default/pods/ramp", p => p.Phase() == "Running", ct);

        cluster.Metrics.SetUsage("default", "sized", "main", cpu: "700m", memory: null);
        cluster.Metrics.SetUsage((ns, pod, container) => pod == "busy" ? (null, "1Gi") : null);
        var sized = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/sized", ct);
        var busy = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy", ct);
        cluster.Metrics.Reset();
        var reset = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/sized", ct);
        time.Advance(TimeSpan.FromSeconds(150));
        var ramp = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/ramp", ct);

        Assert.Equal("""{"cpu":"700m","memory":"32Mi"}""", sized["containers"]![0]!["usage"]!.ToJsonString());
        Assert.Equal("""{"cpu":"250m","memory":"1Gi"}""", busy["containers"]![0]!["usage"]!.ToJsonString());
        Assert.Equal("""{"cpu":"100m","memory":"32Mi"}""", reset["containers"]![0]!["usage"]!.ToJsonString());

        // Half way (and the few real milliseconds the stepped clock adds) from 100m to 900m.
        var rampCpu = new ResourceQuantity((string)ramp["containers"]![0]!["usage"]!["cpu"]!).ToDecimal();
        Assert.InRange(rampCpu, 0.5m, 0.51m);
    }

    [Fact]
    public async Task Metrics_are_read_only_listed_in_discovery_and_printed_as_metrics_server_prints_them()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartClusterAsync(new SteppedTime(), ct);
        await CreatePodsAsync(cluster, ct);
        using var http = cluster.CreateHttpClient();

        using var table = new HttpRequestMessage(HttpMethod.Get, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dbusy");
        table.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        using var tableResponse = await http.SendAsync(table, ct);
        var printed = JsonNode.Parse(await tableResponse.Content.ReadAsStringAsync(ct))!;
        using var watch = await http.GetAsync("/apis/metrics.k8s.io/v1beta1/pods?watch=true", ct);
        using var create = await http.PostAsync("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", new StringContent("{}"), ct);
        var discovery = await GetOkAsync(cluster, "/apis/metrics.k8s.io/v1beta1", ct);
        var apiService = await GetOkAsync(cluster, "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io", ct);

        Assert.Equal(["Name", "cpu", "memory", "Window"], printed["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("""["busy","250m","64Mi","15s"]""", printed["rows"]![0]!["cells"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, watch.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, create.StatusCode);
        Assert.Equal(
            ["nodes:NodeMetrics:false:get,list", "pods:PodMetrics:true:get,list"],
            discovery["resources"]!.AsArray().Select(r => $"{r!["name"]}:{r["kind"]}:{r["namespaced"]}:{string.Join(',', r["verbs"]!.AsArray().Select(v => (string?)v))}"));
        Assert.Equal("True", (string?)apiService["status"]!["conditions"]![0]!["status"]);
    }

    private static async Task<FakeCluster> StartClusterAsync(SteppedTime time, CancellationToken ct)
    {
        var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers), TimeProvider = time }, ct);
        await cluster.WaitForAsync("/api/v1/nodes", list => (list["items"] as JsonArray)?.Count == 2, ct);
        return cluster;
    }

    /// <summary>busy: annotated 250m and 64Mi; sized: a main container requesting 100m and 32Mi and an idle sidecar.</summary>
    private static async Task CreatePodsAsync(FakeCluster cluster, CancellationToken ct)
    {
        var busy = Pod("busy", annotations: """{"fakeapiserver.io/cpu-usage":"250m","fakeapiserver.io/memory-usage":"64Mi"}""");
        busy["metadata"]!["labels"] = new JsonObject { ["app"] = "busy" };
        await cluster.CreateAsync("/api/v1/namespaces/default/pods", busy, ct);
        await cluster.CreateAsync("/api/v1/namespaces/default/pods", Pod("sized", """
            {"containers":[{"name":"main","image":"nginx:1.27","resources":{"requests":{"cpu":"100m","memory":"32Mi"}}},
                           {"name":"sidecar","image":"busybox:1.36"}]}
            """), ct);
        await cluster.WaitForAsync("/api/v1/namespaces/default/pods", list =>
            (list["items"] as JsonArray ?? []).OfType<JsonObject>().Count(p => p.Phase() == "Running") == 2, ct);
    }

    private static async Task<JsonObject> GetOkAsync(FakeCluster cluster, string path, CancellationToken ct)
    {
        var (code, body) = await GetStatusAsync(cluster, path, ct);
        Assert.True(code == HttpStatusCode.OK, $"{path}: {code} {body.ToJsonString()}");
        return body;
    }

    private static async Task<(HttpStatusCode Code, JsonObject Body)> GetStatusAsync(FakeCluster cluster, string path, CancellationToken ct)
    {
        using var http = cluster.CreateHttpClient();
        using var response = await http.GetAsync(path, ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject());
    }
}
