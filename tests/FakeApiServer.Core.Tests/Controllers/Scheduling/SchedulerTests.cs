using System.Text.Json.Nodes;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.Scheduling;

public sealed class SchedulerTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task A_pod_is_bound_to_the_worker_with_a_Scheduled_event()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);

        await cluster.CreateAsync(Pods, Pod("x"), ct);

        var pod = await cluster.WaitForAsync(Pods + "/x", p => p.NodeName() is not null, ct);
        var scheduled = await cluster.WaitForEventAsync("default", "x", "Scheduled", ct);
        Assert.Equal(Worker, pod.NodeName());
        Assert.Equal("True", (string?)pod.Condition("PodScheduled")?["status"]);
        Assert.Equal("Normal", (string?)scheduled["type"]);
        Assert.Equal("Successfully assigned default/x to fakeapiserver-worker", (string?)scheduled["message"]);
        Assert.Equal("default-scheduler", (string?)scheduled["source"]?["component"]);
    }

    [Fact]
    public async Task A_pod_whose_nodeSelector_matches_no_node_waits_with_the_exact_message_until_a_node_is_labelled()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        const string message =
            "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint " + ControlPlaneTaint + ".";

        await cluster.CreateAsync(Pods, Pod("picky", """{"nodeSelector":{"disk":"ssd"}}"""), ct);

        await cluster.WaitForAsync(Pods + "/picky", p => p.IsUnschedulable(message), ct);
        var failed = await cluster.WaitForEventAsync("default", "picky", "FailedScheduling", ct);
        Assert.Equal("Warning", (string?)failed["type"]);
        Assert.Equal(message, (string?)failed["message"]);
        Assert.Equal("Pending", (await cluster.GetAsync(Pods + "/picky", ct))!.Phase());

        await cluster.PatchAsync("/api/v1/nodes/" + Worker, """{"metadata":{"labels":{"disk":"ssd"}}}""", ct);
        var pod = await cluster.WaitForAsync(Pods + "/picky", p => p.NodeName() is not null, ct);
        Assert.Equal(Worker, pod.NodeName());
    }

    [Fact]
    public async Task An_untolerated_taint_keeps_a_pod_pending_until_it_is_removed_and_a_toleration_lets_it_through()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.PatchAsync("/api/v1/nodes/" + Worker,
            """{"spec":{"taints":[{"key":"dedicated","value":"gpu","effect":"NoExecute"}]}}""", ct);
        const string message =
            "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint " + ControlPlaneTaint + ".";

        await cluster.CreateAsync(Pods, Pod("blocked"), ct);
        await cluster.CreateAsync(Pods, Pod("tolerant", """{"tolerations":[{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoExecute"}]}"""), ct);
        await cluster.CreateAsync(Pods, Pod("everywhere", """{"tolerations":[{"operator":"Exists"}],"nodeSelector":{"node-role.kubernetes.io/control-plane":""}}"""), ct);

        await cluster.WaitForAsync(Pods + "/blocked", p => p.IsUnschedulable(message), ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/tolerant", p => p.NodeName() is not null, ct)).NodeName());
        Assert.Equal(ControlPlane, (await cluster.WaitForAsync(Pods + "/everywhere", p => p.NodeName() is not null, ct)).NodeName());

        await cluster.PatchAsync("/api/v1/nodes/" + Worker, """{"spec":{"taints":null}}""", ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/blocked", p => p.NodeName() is not null, ct)).NodeName());
    }

    [Fact]
    public async Task Required_node_affinity_is_honoured_with_every_operator()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 3);
        await cluster.PatchAsync("/api/v1/nodes/fakeapiserver-worker2", """{"metadata":{"labels":{"zone":"b","generation":"5"}}}""", ct);
        const string affinity = """
            {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]},{"key":"generation","operator":"Gt","values":["4"]},
                                   {"key":"generation","operator":"Lt","values":["9"]},{"key":"legacy","operator":"DoesNotExist"},
                                   {"key":"zone","operator":"NotIn","values":["c"]},{"key":"kubernetes.io/os","operator":"Exists"}]}]}}}}
            """;
        const string byName = """
            {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchFields":[{"key":"metadata.name","operator":"In","values":["fakeapiserver-worker"]}]}]}}}}
            """;
        const string none = """
            {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"In","values":["z"]}]}]}}}}
            """;

        await cluster.CreateAsync(Pods, Pod("affine", affinity), ct);
        await cluster.CreateAsync(Pods, Pod("named", byName), ct);
        await cluster.CreateAsync(Pods, Pod("nowhere", none), ct);

        Assert.Equal("fakeapiserver-worker2", (await cluster.WaitForAsync(Pods + "/affine", p => p.NodeName() is not null, ct)).NodeName());
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/named", p => p.NodeName() is not null, ct)).NodeName());
        await cluster.WaitForAsync(Pods + "/nowhere", p => p.IsUnschedulable(
            "0/3 nodes are available: 1 node(s) had untolerated taint " + ControlPlaneTaint + ", 2 node(s) didn't match Pod's node affinity/selector."), ct);
    }

    [Fact]
    public async Task Requests_beyond_what_is_left_are_Insufficient_until_the_node_grows()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        const string containers = """{"containers":[{"name":"main","image":"busybox:1.36","resources":{"requests":{"cpu":"6","memory":"1Gi"}}}]}""";

        await cluster.CreateAsync(Pods, Pod("first", containers), ct);
        await cluster.WaitForAsync(Pods + "/first", p => p.NodeName() is not null, ct);
        await cluster.CreateAsync(Pods, Pod("second", containers), ct);

        await cluster.WaitForAsync(Pods + "/second", p => p.IsUnschedulable(
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint " + ControlPlaneTaint + "."), ct);

        await cluster.PatchAsync("/api/v1/nodes/" + Worker + "/status", """{"status":{"allocatable":{"cpu":"16"}}}""", ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/second", p => p.NodeName() is not null, ct)).NodeName());
    }

    [Fact]
    public async Task A_cordoned_node_takes_no_pods_until_uncordoned()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.PatchAsync("/api/v1/nodes/" + Worker, """{"spec":{"unschedulable":true}}""", ct);

        await cluster.CreateAsync(Pods, Pod("waiting"), ct);

        await cluster.WaitForAsync(Pods + "/waiting", p => p.IsUnschedulable(
            "0/2 nodes are available: 1 node(s) had untolerated taint " + ControlPlaneTaint + ", 1 node(s) were unschedulable."), ct);
        await cluster.PatchAsync("/api/v1/nodes/" + Worker, """{"spec":{"unschedulable":false}}""", ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/waiting", p => p.NodeName() is not null, ct)).NodeName());
    }

    [Fact]
    public async Task A_pod_on_a_missing_PodNetwork_waits_with_the_exact_message_until_the_network_is_created()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        await EnsureDefaultNetworkAsync(cluster, ct);
        const string message = "0/2 nodes are available: PodNetworks referred in the pod must exist.";

        await cluster.CreateAsync(Pods, Pod("multi", """{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}]}"""), ct);

        await cluster.WaitForAsync(Pods + "/multi", p => p.IsUnschedulable(message), ct);
        Assert.Equal(message, (string?)(await cluster.WaitForEventAsync("default", "multi", "FailedScheduling", ct))["message"]);

        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", Network("dataplane"), ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/multi", p => p.NodeName() is not null, ct)).NodeName());
    }

    [Fact]
    public async Task A_pod_on_a_disabled_PodNetwork_waits_with_the_exact_message_until_it_is_enabled()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        await EnsureDefaultNetworkAsync(cluster, ct);
        var disabled = Network("dataplane");
        disabled["spec"]!["enabled"] = false;
        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", disabled, ct);
        const string message = "0/2 nodes are available: PodNetworks referred in the pod must be enabled.";

        await cluster.CreateAsync(Pods, Pod("multi", """{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}]}"""), ct);

        await cluster.WaitForAsync(Pods + "/multi", p => p.IsUnschedulable(message), ct);
        await cluster.PatchAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/dataplane", """{"spec":{"enabled":true}}""", ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/multi", p => p.NodeName() is not null, ct)).NodeName());
    }

    [Fact]
    public async Task A_pod_network_attachment_is_resolved_in_the_pods_namespace()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        await EnsureDefaultNetworkAsync(cluster, ct);
        const string message = "0/2 nodes are available: PodNetworks referred in the pod must exist.";

        await cluster.CreateAsync(Pods, Pod("attached", """{"networks":[{"podNetworkAttachmentName":"blue","interfaceName":"net1"}]}"""), ct);
        await cluster.WaitForAsync(Pods + "/attached", p => p.IsUnschedulable(message), ct);

        // The attachment alone is not enough: its PodNetwork must exist too.
        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/namespaces/default/podnetworkattachments", new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1alpha1",
            ["kind"] = "PodNetworkAttachment",
            ["metadata"] = new JsonObject { ["name"] = "blue" },
            ["spec"] = new JsonObject { ["podNetworkName"] = "dataplane" },
        }, ct);
        await Task.Delay(200, ct);
        Assert.True((await cluster.GetAsync(Pods + "/attached", ct))!.IsUnschedulable(message));

        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", Network("dataplane"), ct);
        Assert.Equal(Worker, (await cluster.WaitForAsync(Pods + "/attached", p => p.NodeName() is not null, ct)).NodeName());
    }

    internal static JsonObject Network(string name) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1alpha1",
        ["kind"] = "PodNetwork",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["enabled"] = true },
    };

    /// <summary>The default PodNetwork, which the default-podnetwork controller makes when it runs.</summary>
    internal static async Task EnsureDefaultNetworkAsync(Testing.FakeCluster cluster, CancellationToken cancellationToken)
    {
        if (await cluster.GetAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/kubernetes", cancellationToken) is null)
        {
            await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", Network("kubernetes"), cancellationToken);
        }
    }
}
