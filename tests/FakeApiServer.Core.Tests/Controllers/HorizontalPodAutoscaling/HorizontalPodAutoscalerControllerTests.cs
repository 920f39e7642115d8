using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.Tests.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// The horizontalpodautoscaling controller against a cluster whose pods run on simulated nodes, with a stepped clock:
/// the HPA syncs every 15 s of that clock, reads the simulated CPU usage the test sets through cluster.Metrics, scales
/// the Deployment through /scale, and holds a scale-down for the 5-minute stabilisation window.
/// </summary>
public sealed class HorizontalPodAutoscalerControllerTests
{
    private const string Controllers = "namespace,deployment,replicaset,node-simulator,scheduler,kubelet,horizontalpodautoscaling,serviceaccount";

    private static readonly TimeSpan Sync = TimeSpan.FromSeconds(15);

    private const string Web = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"main","image":"nginx:1.27","resources":{"requests":{"cpu":"200m","memory":"64Mi"}}}]}}}}
        """;

    private const string Autoscaler = """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,
          "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]}}
        """;

    [Fact]
    public async Task An_HPA_scales_a_Deployment_up_when_usage_rises_and_down_only_after_the_stabilisation_window()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers), TimeProvider = time }, ct);
        var cpu = "100m";
        cluster.Metrics.SetUsage((ns, pod, container) => (Volatile.Read(ref cpu), null));
        await cluster.CreateAsync("/apis/apps/v1/namespaces/default/deployments", JsonNode.Parse(Web)!.AsObject(), ct);
        await RunningPodsAsync(cluster, time, 2, ct);
        await using var versions = await AutoscalerVersions.WatchAsync(cluster, ct);
        await cluster.CreateAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", JsonNode.Parse(Autoscaler)!.AsObject(), ct);

        // 100m of 200m: 50 %, on target.
        var steady = await versions.SyncUntilAsync(time, h => Utilization(h) == 50, ct);
        Assert.Equal((2, 2), (Int(steady["status"]!["currentReplicas"]), Int(steady["status"]!["desiredReplicas"])));
        Assert.Equal(("True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"),
            ConditionOf(steady, "ScalingActive"));
        Assert.Equal("100m", (string?)steady["status"]!["currentMetrics"]![0]!["resource"]!["current"]!["averageValue"]);

        // 200m of 200m: 100 % against 50 %, twice the pods.
        Volatile.Write(ref cpu, "200m");
        var scaledUp = await versions.SyncUntilAsync(time, h => Int(h["status"]?["desiredReplicas"]) == 4, ct);

        // Back on target before the new pods count (they would double the count again).
        Volatile.Write(ref cpu, "100m");
        Assert.Equal(("True", "SucceededRescale", "the HPA controller was able to update the target scale to 4"), ConditionOf(scaledUp, "AbleToScale"));
        Assert.NotNull(scaledUp["status"]!["lastScaleTime"]);
        var up = await cluster.WaitForEventAsync("default", "web", "SuccessfulRescale", ct);
        Assert.Equal("New size: 4; reason: cpu resource utilization (percentage of request) above target", (string?)up["message"]);
        Assert.Equal(("Normal", "horizontal-pod-autoscaler"), ((string?)up["type"], (string?)up["source"]!["component"]));
        Assert.Equal(4, Int((await cluster.GetAsync("/apis/apps/v1/namespaces/default/deployments/web", ct))!["spec"]!["replicas"]));
        await RunningPodsAsync(cluster, time, 4, ct);

        // 50m of 200m: 25 %, half the pods would do; recent recommendations of 4 hold the count for five minutes.
        Volatile.Write(ref cpu, "50m");
        var lowered = time.GetUtcNow();
        var stabilized = await versions.SyncUntilAsync(time, h => ConditionOf(h, "AbleToScale").Reason == "ScaleDownStabilized", ct);
        Assert.Equal(("True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"),
            ConditionOf(stabilized, "AbleToScale"));
        Assert.Equal(4, Int(stabilized["status"]!["desiredReplicas"]));
        var scaledDown = await versions.SyncUntilAsync(time, h => Int(h["status"]?["desiredReplicas"]) == 2, ct);
        var waited = DateTimeOffset.Parse((string)scaledDown["status"]!["lastScaleTime"]!, System.Globalization.CultureInfo.InvariantCulture) - lowered;

        // Without the window the first sync after the fall (15 s) would scale down; the last recommendation of 4 came a
        // sync or two before the fall.
        Assert.True(waited >= TimeSpan.FromMinutes(4), $"scaled down after {waited}");
        Assert.Equal(("True", "SucceededRescale", "the HPA controller was able to update the target scale to 2"), ConditionOf(scaledDown, "AbleToScale"));
        var down = await cluster.WaitForEventAsync("default", "web", "SuccessfulRescale", ct);
        Assert.Equal("New size: 2; reason: All metrics below target", (string?)down["message"]);
        Assert.Equal(2, Int((await cluster.GetAsync("/apis/apps/v1/namespaces/default/deployments/web", ct))!["spec"]!["replicas"]));
    }

    [Fact]
    public async Task An_HPA_without_metrics_for_its_pods_is_ScalingActive_False_with_upstreams_events()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var time = new SteppedTime();

        // No kubelet: the pods stay Pending, so no pod has metrics.
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,deployment,replicaset,horizontalpodautoscaling,serviceaccount"), TimeProvider = time }, ct);
        await cluster.CreateAsync("/apis/apps/v1/namespaces/default/deployments", JsonNode.Parse(Web)!.AsObject(), ct);
        await cluster.CreateAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", JsonNode.Parse(Autoscaler)!.AsObject(), ct);

        var failing = await SyncUntilAsync(cluster, time, h => ConditionOf(h, "ScalingActive").Status == "False", ct);
        const string cause = "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API";
        Assert.Equal(("False", "FailedGetResourceMetric", "the HPA was unable to compute the replica count: " + cause), ConditionOf(failing, "ScalingActive"));
        Assert.Equal(("True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"), ConditionOf(failing, "AbleToScale"));
        Assert.Equal(2, Int(failing["status"]!["currentReplicas"]));
        var metricEvent = await cluster.WaitForEventAsync("default", "web", "FailedGetResourceMetric", ct);
        Assert.Equal(("Warning", cause), ((string?)metricEvent["type"], (string?)metricEvent["message"]));
        var computeEvent = await cluster.WaitForEventAsync("default", "web", "FailedComputeMetricsReplicas", ct);
        Assert.Equal("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: " + cause, (string?)computeEvent["message"]);
    }

    [Fact]
    public async Task An_HPA_whose_target_does_not_exist_is_AbleToScale_False_FailedGetScale()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,horizontalpodautoscaling,serviceaccount"), TimeProvider = time }, ct);
        await cluster.CreateAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", JsonNode.Parse(Autoscaler)!.AsObject(), ct);

        var failing = await SyncUntilAsync(cluster, time, h => h["status"]?["conditions"] is JsonArray, ct);
        Assert.Equal(("False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: deployments.apps \"web\" not found"),
            ConditionOf(failing, "AbleToScale"));
        var evt = await cluster.WaitForEventAsync("default", "web", "FailedGetScale", ct);
        Assert.Equal("deployments.apps \"web\" not found", (string?)evt["message"]);
    }

    /// <summary>Moves the clock one sync period at a time until the HPA satisfies <paramref name="condition"/> (its latest version).</summary>
    private static async Task<JsonObject> SyncUntilAsync(FakeCluster cluster, SteppedTime time, Func<JsonObject, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            var hpa = await cluster.GetAsync("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web", ct);
            if (hpa is not null && condition(hpa))
            {
                return hpa;
            }

            time.Advance(Sync);
            await Task.Delay(20, ct);
        }
    }

    /// <summary>
    /// Waits until <paramref name="count"/> pods of web run and are Ready, then moves the clock past the window a CPU
    /// sample needs after readiness (else the HPA ignores the pods as unready).
    /// </summary>
    private static async Task RunningPodsAsync(FakeCluster cluster, SteppedTime time, int count, CancellationToken ct)
    {
        await cluster.WaitForAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb", list =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return (list["items"] as JsonArray ?? []).OfType<JsonObject>().Count(p => p.Phase() == "Running" && (string?)p.Condition("Ready")?["status"] == "True") == count;
        }, ct);
        time.Advance(TimeSpan.FromSeconds(16));
    }

    /// <summary>
    /// Every version of the HPA "web" that a watch delivers, so a status that the next sync replaces is still seen (a
    /// condition set by the rescaling sync only).
    /// </summary>
    private sealed class AutoscalerVersions : IAsyncDisposable
    {
        private readonly List<JsonObject> _seen = [];
        private readonly Lock _lock = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly HttpClient _http;
        private Task _reading = Task.CompletedTask;
        private int _next;

        private AutoscalerVersions(HttpClient http) => _http = http;

        public static async Task<AutoscalerVersions> WatchAsync(FakeCluster cluster, CancellationToken ct)
        {
            var versions = new AutoscalerVersions(cluster.CreateHttpClient());
            var response = await versions._http.GetAsync(
                "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers?watch=true&fieldSelector=metadata.name%3Dweb",
                HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            versions._reading = versions.ReadAsync(response, versions._stop.Token);
            return versions;
        }

        /// <summary>
        /// The first version not yet looked at that satisfies <paramref name="condition"/>, moving the clock one sync
        /// period whenever every version delivered so far was looked at; versions looked at are not looked at again.
        /// </summary>
        public async Task<JsonObject> SyncUntilAsync(SteppedTime time, Func<JsonObject, bool> condition, CancellationToken ct)
        {
            while (true)
            {
                JsonObject? next = null;
                lock (_lock)
                {
                    if (_next < _seen.Count)
                    {
                        next = _seen[_next++];
                    }
                }

                if (next is null)
                {
                    time.Advance(Sync);
                    await Task.Delay(20, ct);
                }
                else if (condition(next))
                {
                    return next;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _reading;
            }
            catch (OperationCanceledException)
            {
                // The watch ends with the test.
            }

            _http.Dispose();
            _stop.Dispose();
        }

        private async Task ReadAsync(HttpResponseMessage response, CancellationToken ct)
        {
            using (response)
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (JsonNode.Parse(line)?["object"] is JsonObject obj)
                    {
                        lock (_lock)
                        {
                            _seen.Add(obj);
                        }
                    }
                }
            }
        }
    }

    private static int Utilization(JsonObject hpa) => Int(hpa["status"]?["currentMetrics"]?[0]?["resource"]?["current"]?["averageUtilization"]);

    /// <summary>The number, or -1 when absent.</summary>
    private static int Int(JsonNode? node) => node is null ? -1 : (int)node.GetValue<long>();

    private static (string? Status, string? Reason, string? Message) ConditionOf(JsonObject hpa, string type) =>
        (hpa["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type) is { } c
            ? ((string?)c["status"], (string?)c["reason"], (string?)c["message"])
            : (null, null, null);
}
