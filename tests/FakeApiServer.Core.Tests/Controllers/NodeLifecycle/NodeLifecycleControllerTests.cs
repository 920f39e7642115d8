using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.NodeLifecycle;

/// <summary>
/// The node lifecycle controller and the taint-eviction-controller on a clock the test moves: a stopped node goes
/// Unknown and is tainted unreachable, its pods are evicted as their tolerations say, and it comes back Ready.
/// </summary>
public sealed class NodeLifecycleControllerTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private const string Controllers = "namespace,node-simulator,kubelet,nodelifecycle,taint-eviction-controller,serviceaccount";

    /// <summary>Less than the kubelet's lease renew interval is never waited for; a step a little longer always passes it.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(11);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_stopped_node_goes_Unknown_is_tainted_unreachable_evicts_its_pods_by_their_tolerations_and_is_Ready_again_when_started()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;
        var time = new FakeClusterClock();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers), TimeProvider = time }, ct);
        await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => Ready(n) == "True" && n["spec"]!["taints"] is null, ct);
        await cluster.CreateAsync(Pods, Pod("defaulted", $$"""{"nodeName":"{{Worker}}"}"""), ct);
        await cluster.CreateAsync(Pods, Pod("zero", $$"""
            {"nodeName":"{{Worker}}","tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":0}]}
            """), ct);
        await cluster.CreateAsync(Pods, Pod("forever", $$"""
            {"nodeName":"{{Worker}}","tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute"}]}
            """), ct);
        foreach (var name in new[] { "defaulted", "zero", "forever" })
        {
            await cluster.WaitForAsync(Pods + "/" + name, p => (string?)p.Condition("Ready")?["status"] == "True", ct);
        }

        await cluster.StopNodeAsync(Worker, ct);
        var stoppedAt = time.GetUtcNow();
        while (time.GetUtcNow() - stoppedAt < TimeSpan.FromSeconds(40))
        {
            await StepAsync(cluster, time, ct);
        }

        Assert.Equal("True", Ready((await cluster.GetAsync("/api/v1/nodes/" + Worker, ct))!));
        await StepAsync(cluster, time, ct);
        await StepAsync(cluster, time, ct);
        var notReady = await cluster.WaitForEventAsync("default", Worker, "NodeNotReady", ct);
        Assert.Equal($"Node {Worker} status is now: NodeNotReady", (string?)notReady["message"]);

        var unknown = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => NoExecuteTaints(n).Count > 0, ct);
        var ready = (unknown["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().Single(c => (string?)c["type"] == "Ready");
        Assert.Equal("Unknown|NodeStatusUnknown|Kubelet stopped posting node status.", $"{ready["status"]}|{ready["reason"]}|{ready["message"]}");
        Assert.All((unknown["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>(), c => Assert.Equal("Unknown", (string?)c["status"]));
        var taints = (unknown["spec"]!["taints"] as JsonArray)!.OfType<JsonObject>().ToList();
        Assert.Equal(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"],
            taints.Select(t => $"{t["key"]}:{t["effect"]}").Order(StringComparer.Ordinal));
        Assert.All(taints, t => Assert.NotNull((string?)t["timeAdded"]));
        var taintedAt = DateTimeOffset.Parse((string)NoExecuteTaints(unknown)[0]["timeAdded"]!, CultureInfo.InvariantCulture);

        // tolerationSeconds 0: deleted at once, marked DisruptionTarget; the stopped kubelet leaves it Terminating.
        var zero = await cluster.WaitForAsync(Pods + "/zero", p => p["metadata"]!["deletionTimestamp"] is not null, ct);
        var disruption = zero.Condition("DisruptionTarget");
        Assert.Equal("True|DeletionByTaintManager|Taint manager: deleting due to NoExecute taint",
            $"{disruption?["status"]}|{disruption?["reason"]}|{disruption?["message"]}");
        var evicted = await cluster.WaitForEventAsync("default", "zero", "TaintManagerEviction", ct);
        Assert.Equal("Marking for deletion Pod default/zero", (string?)evicted["message"]);
        Assert.Equal("taint-eviction-controller", (string?)evicted["source"]!["component"]);

        // The others are not ready (MarkPodsNotReady) but stay until their toleration runs out.
        var defaulted = await cluster.WaitForAsync(Pods + "/defaulted", p => (string?)p.Condition("Ready")?["status"] == "False", ct);
        Assert.Null(defaulted["metadata"]!["deletionTimestamp"]);
        await cluster.WaitForEventAsync("default", "defaulted", "NodeNotReady", ct);
        while (time.GetUtcNow() < taintedAt + TimeSpan.FromSeconds(285))
        {
            await StepAsync(cluster, time, ct);
        }

        Assert.Null((await cluster.GetAsync(Pods + "/defaulted", ct))!["metadata"]!["deletionTimestamp"]);
        while (time.GetUtcNow() < taintedAt + TimeSpan.FromSeconds(302))
        {
            await StepAsync(cluster, time, ct);
        }

        defaulted = await cluster.WaitForAsync(Pods + "/defaulted", p => p["metadata"]!["deletionTimestamp"] is not null, ct);
        Assert.Equal("DeletionByTaintManager", (string?)defaulted.Condition("DisruptionTarget")?["reason"]);
        var forever = (await cluster.GetAsync(Pods + "/forever", ct))!;
        Assert.Null(forever["metadata"]!["deletionTimestamp"]);
        Assert.Null(forever.Condition("DisruptionTarget"));

        // Started again: Ready with the kubelet's conditions, no taints, and its kubelet finishes the deletions.
        await cluster.StartNodeAsync(Worker, ct);
        var back = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => Ready(n) == "True" && n["spec"]!["taints"] is null, ct);
        Assert.Equal("KubeletReady", (string?)(back["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().Single(c => (string?)c["type"] == "Ready")["reason"]);
        await cluster.WaitForGoneAsync(Pods + "/zero", ct);
        await cluster.WaitForGoneAsync(Pods + "/defaulted", ct);
        Assert.NotNull(await cluster.GetAsync(Pods + "/forever", ct));
    }

    [Fact]
    public async Task A_hand_made_node_without_a_lease_goes_Unknown_after_the_startup_grace_period_and_an_intolerant_pod_is_evicted_at_once()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;
        var time = new FakeClusterClock();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            Controllers = ControllerSelection.Parse(Controllers),
            Nodes = 1,
            TimeProvider = time,
            DisableAdmissionPlugins = ["DefaultTolerationSeconds"],
        }, ct);
        await cluster.WaitForAsync("/api/v1/nodes/" + ControlPlane, n => Ready(n) == "True", ct);
        await cluster.CreateAsync("/api/v1/nodes", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "by-hand" } }, ct);
        var createdAt = time.GetUtcNow();
        // No kubelet finishes a graceful delete there: a finalizer keeps the deleted pod to be looked at.
        var intolerant = Pod("intolerant", """{"nodeName":"by-hand"}""");
        intolerant["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        await cluster.CreateAsync(Pods, intolerant, ct);

        // The not-ready taint TaintNodesByCondition put on it goes: a node that never posted status is not yet judged.
        await cluster.WaitForAsync("/api/v1/nodes/by-hand", n => n["spec"]?["taints"] is null, ct);
        while (time.GetUtcNow() - createdAt < TimeSpan.FromSeconds(55))
        {
            await StepAsync(cluster, time, ct);
        }

        Assert.Null((await cluster.GetAsync("/api/v1/nodes/by-hand", ct))!["status"]?["conditions"]);
        Assert.Null((await cluster.GetAsync(Pods + "/intolerant", ct))!["metadata"]!["deletionTimestamp"]);
        await StepAsync(cluster, time, ct);

        var node = await cluster.WaitForAsync("/api/v1/nodes/by-hand", n => NoExecuteTaints(n).Count > 0, ct);
        var conditions = (node["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().ToList();
        Assert.Equal(["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"], conditions.Select(c => (string)c["type"]!));
        Assert.All(conditions, c => Assert.Equal("Unknown|NodeStatusNeverUpdated|Kubelet never posted node status.", $"{c["status"]}|{c["reason"]}|{c["message"]}"));
        var pod = await cluster.WaitForAsync(Pods + "/intolerant", p => p["metadata"]!["deletionTimestamp"] is not null, ct);
        Assert.Equal("DeletionByTaintManager", (string?)pod.Condition("DisruptionTarget")?["reason"]);
        var registered = await cluster.WaitForEventAsync("default", "by-hand", "RegisteredNode", ct);
        Assert.Equal("Node by-hand event: Registered Node by-hand in Controller", (string?)registered["message"]);
    }

    [Fact]
    public async Task A_NotReady_node_is_tainted_not_ready_and_the_taints_go_when_it_is_Ready()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers) }, ct);
        await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => Ready(n) == "True" && n["spec"]!["taints"] is null, ct);
        await cluster.StopNodeAsync(Worker, ct);

        var heartbeat = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await cluster.PatchAsync("/api/v1/nodes/" + Worker + "/status", $$$"""
            {"status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady","message":"container runtime is down","lastHeartbeatTime":"{{{heartbeat}}}"}]}}
            """, ct);

        var notReady = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => (n["spec"]?["taints"] as JsonArray)?.Count == 2, ct);
        Assert.Equal(["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"],
            (notReady["spec"]!["taints"] as JsonArray)!.OfType<JsonObject>().Select(t => $"{t["key"]}:{t["effect"]}").Order(StringComparer.Ordinal));

        await cluster.StartNodeAsync(Worker, ct);
        await cluster.WaitForAsync("/api/v1/nodes/" + Worker, n => Ready(n) == "True" && n["spec"]!["taints"] is null, ct);
    }

    /// <summary>
    /// Moves the clock one <see cref="Step"/> and waits until the control plane's kubelet renewed its lease at the new
    /// time, so the nodes that are not stopped stay healthy however far the test moves the clock.
    /// </summary>
    private static async Task StepAsync(FakeCluster cluster, FakeClusterClock time, CancellationToken cancellationToken)
    {
        var renewed = time.GetUtcNow() + Step - TimeSpan.FromMilliseconds(1);
        time.Advance(Step);
        await cluster.WaitForAsync("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + ControlPlane,
            l => DateTimeOffset.Parse((string)l["spec"]!["renewTime"]!, CultureInfo.InvariantCulture) >= renewed, cancellationToken);
    }

    private static string? Ready(JsonObject node) =>
        (string?)(node["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready")?["status"];

    private static List<JsonObject> NoExecuteTaints(JsonObject node) =>
        (node["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>().Where(t => (string?)t["effect"] == "NoExecute").ToList();
}
