using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.ReplicationControllers;

/// <summary>ReplicationControllers are kept by the replicaset controller's logic, under their own kind and component.</summary>
public sealed class ReplicationControllerTests
{
    [Fact]
    public async Task A_replication_controller_keeps_its_replicas_when_a_pod_is_deleted_and_when_scaled()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: "namespace,garbage-collector,replicationcontroller,node-simulator,scheduler,kubelet,serviceaccount");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedReplicationControllerAsync(new V1ReplicationController
        {
            Metadata = new V1ObjectMeta { Name = "legacy" },
            Spec = new V1ReplicationControllerSpec
            {
                Replicas = 3,
                Selector = new Dictionary<string, string> { ["app"] = "legacy" },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "legacy" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1.27" }] },
                },
            },
        }, "default", cancellationToken: ct);
        await cluster.WaitForAsync("api/v1/namespaces/default/replicationcontrollers/legacy", rc => (int?)rc["status"]?["readyReplicas"] == 3, ct);
        var pods = (await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;

        await client.CoreV1.DeleteNamespacedPodAsync(pods[0].Metadata.Name, "default", cancellationToken: ct);
        var replaced = await WorkloadTestSupport.EventuallyAsync(async () =>
        {
            var list = (await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
            return list.Count == 3 && list.All(p => p.Metadata.Name != pods[0].Metadata.Name) ? list : null;
        }, ct);
        await client.CoreV1.PatchNamespacedReplicationControllerScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "legacy", "default", cancellationToken: ct);
        var rc = await cluster.WaitForAsync("api/v1/namespaces/default/replicationcontrollers/legacy", r => (int?)r["status"]?["replicas"] == 1 && (int?)r["status"]?["readyReplicas"] == 1, ct);
        var events = (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.kind=ReplicationController", cancellationToken: ct)).Items;

        Assert.All(replaced, p => Assert.StartsWith("legacy-", p.Metadata.Name, StringComparison.Ordinal));
        var owner = Assert.Single(replaced[0].Metadata.OwnerReferences);
        Assert.Equal(("v1", "ReplicationController", "legacy", true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Controller));
        Assert.Equal((long)rc["metadata"]!["generation"]!, (long)rc["status"]!["observedGeneration"]!);
        Assert.Contains(events, e => e.Reason == "SuccessfulCreate" && e.Source.Component == "replication-controller");
        Assert.Contains(events, e => e.Reason == "SuccessfulDelete" && e.Message.StartsWith("Deleted pod: legacy-", StringComparison.Ordinal));
    }
}
