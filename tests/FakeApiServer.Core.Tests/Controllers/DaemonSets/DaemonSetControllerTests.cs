using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.DaemonSets;

/// <summary>
/// The daemonset controller through the client, with three simulated nodes (the control plane tainted NoSchedule), the
/// scheduler and the kubelet.
/// </summary>
public sealed class DaemonSetControllerTests
{
    private const string Controllers = "namespace,garbage-collector,daemonset,node-simulator,scheduler,kubelet,serviceaccount";

    private const string Set = "apis/apps/v1/namespaces/default/daemonsets/agent";

    private static JsonObject DaemonSet(string podSpec = """{"containers":[{"name":"agent","image":"agent:1"}]}""") => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = new JsonObject { ["name"] = "agent" },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "agent" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "agent" } },
                ["spec"] = JsonNode.Parse(podSpec),
            },
        },
    };

    [Fact]
    public async Task One_pod_runs_on_every_worker_none_on_the_tainted_control_plane_and_a_new_node_gets_one()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 3, controllers: Controllers);

        await cluster.CreateAsync("apis/apps/v1/namespaces/default/daemonsets", DaemonSet(), ct);
        var ds = await cluster.WaitForAsync(Set, s => (int?)s["status"]?["numberReady"] == 2 && (int?)s["status"]?["numberAvailable"] == 2, ct);
        var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;

        Assert.Equal([Worker, Worker + "2"], pods.Select(p => p.Spec.NodeName).Order(StringComparer.Ordinal));
        var status = ds["status"]!;
        Assert.Equal((2, 2, 2, 0), ((int)status["desiredNumberScheduled"]!, (int)status["currentNumberScheduled"]!, (int)status["updatedNumberScheduled"]!, (int)status["numberMisscheduled"]!));
        Assert.Null(status["numberUnavailable"]);
        Assert.Equal((long)ds["metadata"]!["generation"]!, (long)status["observedGeneration"]!);
        var pod = pods.Single(p => p.Spec.NodeName == Worker);
        var field = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchFields.Single();
        Assert.Equal(("metadata.name", "In", Worker), (field.Key, field.OperatorProperty, field.Values.Single()));
        Assert.Equal(
            ["node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/not-ready:NoExecute",
             "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule"],
            pod.Spec.Tolerations.Where(t => t.OperatorProperty == "Exists").Select(t => t.Key + ":" + t.Effect).Order(StringComparer.Ordinal));
        var revision = Assert.Single((await cluster.Client.AppsV1.ListNamespacedControllerRevisionAsync("default", cancellationToken: ct)).Items);
        Assert.Equal("agent-" + pod.Metadata.Labels["controller-revision-hash"], revision.Metadata.Name);
        Assert.Equal(("1", 1L), (pod.Metadata.Labels["pod-template-generation"], revision.Revision));
        Assert.Equal(("DaemonSet", "agent", true), (pod.Metadata.OwnerReferences[0].Kind, pod.Metadata.OwnerReferences[0].Name, pod.Metadata.OwnerReferences[0].Controller));

        var lateNode = await cluster.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "late-node" } }, cancellationToken: ct);
        // TaintNodesByCondition gave it node.kubernetes.io/not-ready:NoSchedule; the node lifecycle controller (not run here) removes it.
        lateNode.Spec.Taints = null;
        await cluster.Client.CoreV1.ReplaceNodeAsync(lateNode, "late-node", cancellationToken: ct);
        await cluster.WaitForAsync(Set, s => (int?)s["status"]?["desiredNumberScheduled"] == 3 && (int?)s["status"]?["currentNumberScheduled"] == 3, ct);
        var late = await WorkloadTestSupport.EventuallyAsync(async () =>
            (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.FirstOrDefault(p =>
                p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Values[0] == "late-node"), ct);
        Assert.Equal(3, (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.Count);
        Assert.StartsWith("agent-", late.Metadata.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_toleration_reaches_the_control_plane_and_a_node_selector_narrows_the_nodes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 3, controllers: Controllers);
        var everywhere = DaemonSet("""{"containers":[{"name":"agent","image":"agent:1"}],"tolerations":[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}]}""");
        var picky = DaemonSet("""{"containers":[{"name":"agent","image":"agent:1"}],"nodeSelector":{"kubernetes.io/hostname":"WORKER"}}""".Replace("WORKER", Worker + "2", StringComparison.Ordinal));
        picky["metadata"]!["name"] = "picky";

        await cluster.CreateAsync("apis/apps/v1/namespaces/default/daemonsets", everywhere, ct);
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/daemonsets", picky, ct);
        await cluster.WaitForAsync(Set, s => (int?)s["status"]?["numberReady"] == 3, ct);
        await cluster.WaitForAsync("apis/apps/v1/namespaces/default/daemonsets/picky", s => (int?)s["status"]?["numberReady"] == 1 && (int?)s["status"]?["desiredNumberScheduled"] == 1, ct);
        var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;

        Assert.Equal([ControlPlane, Worker, Worker + "2"], pods.Where(p => p.Metadata.Name.StartsWith("agent-", StringComparison.Ordinal)).Select(p => p.Spec.NodeName).Order(StringComparer.Ordinal));
        Assert.Equal([Worker + "2"], pods.Where(p => p.Metadata.Name.StartsWith("picky-", StringComparison.Ordinal)).Select(p => p.Spec.NodeName));
    }

    [Fact]
    public async Task An_image_change_replaces_every_pod_with_a_new_revision()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 3, controllers: Controllers);
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/daemonsets", DaemonSet(), ct);
        await cluster.WaitForAsync(Set, s => (int?)s["status"]?["numberAvailable"] == 2, ct);

        await cluster.PatchAsync(Set, """{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"agent:2"}]}}}}""", ct);
        await cluster.WaitForAsync(Set, s => (int?)s["status"]?["updatedNumberScheduled"] == 2 && (int?)s["status"]?["numberAvailable"] == 2
            && (long?)s["status"]?["observedGeneration"] == 2, ct);
        var pods = await WorkloadTestSupport.EventuallyAsync(async () =>
        {
            var list = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
            return list.Count == 2 ? list : null;
        }, ct);

        Assert.All(pods, p => Assert.Equal("agent:2", p.Spec.Containers[0].Image));
        Assert.All(pods, p => Assert.Equal("2", p.Metadata.Labels["pod-template-generation"]));
        var revisions = (await cluster.Client.AppsV1.ListNamespacedControllerRevisionAsync("default", cancellationToken: ct)).Items;
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision).Order());
        Assert.Equal("agent-" + pods[0].Metadata.Labels["controller-revision-hash"], revisions.Single(r => r.Revision == 2).Metadata.Name);
    }
}
