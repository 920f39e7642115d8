using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers.PvcProtection;

/// <summary>
/// StorageObjectInUseProtection's claim finalizer and the pvc-protection controller that takes it off, through the
/// KubernetesClient: a claim a scheduled pod mounts stays Terminating until the pod is gone.
/// </summary>
public sealed class PvcProtectionControllerTests
{
    private const string Finalizer = "kubernetes.io/pvc-protection";

    [Fact]
    public async Task A_claim_mounted_by_a_scheduled_pod_stays_terminating_until_the_pod_is_gone()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var client = cluster.Client;
        var claim = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(PodUsing("app", "data", nodeName: "node-1"), "default", cancellationToken: ct);

        await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        await DeleteAnUnusedClaimAsync(client, ct);
        var held = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        await client.CoreV1.DeleteNamespacedPodAsync("app", "default", gracePeriodSeconds: 0, cancellationToken: ct);
        await cluster.WaitForGoneAsync("/api/v1/namespaces/default/persistentvolumeclaims/data", ct);

        Assert.Equal([Finalizer], claim.Metadata.Finalizers);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        Assert.Equal([Finalizer], held.Metadata.Finalizers);
    }

    [Fact]
    public async Task A_claim_only_an_unscheduled_pod_names_goes_at_once()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(PodUsing("app", "data", nodeName: null), "default", cancellationToken: ct);

        await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        await cluster.WaitForGoneAsync("/api/v1/namespaces/default/persistentvolumeclaims/data", ct);

        Assert.Equal("Pending", (await client.CoreV1.ReadNamespacedPodAsync("app", "default", cancellationToken: ct)).Status.Phase);
    }

    [Fact]
    public async Task Without_the_controller_a_deleted_claim_keeps_its_finalizer_and_the_controller_adds_a_missing_one()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using (var stopped = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,serviceaccount,-pvc-protection") }, ct))
        {
            await stopped.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), "default", cancellationToken: ct);
            await stopped.Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
            var terminating = await stopped.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
            Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        }

        // With the plugin off, only the controller puts the finalizer on.
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { DisableAdmissionPlugins = ["StorageObjectInUseProtection"] }, ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), "default", cancellationToken: ct);
        var protectedClaim = await cluster.WaitForAsync("/api/v1/namespaces/default/persistentvolumeclaims/data",
            c => c["metadata"]?["finalizers"] is JsonArray { Count: > 0 }, ct);

        Assert.Null(created.Metadata.Finalizers);
        Assert.Equal(Finalizer, (string?)protectedClaim["metadata"]!["finalizers"]![0]);
    }

    /// <summary>
    /// Creates and deletes a claim no pod uses and waits until it is gone: the controller's one worker takes keys in
    /// order, so every claim deleted before it has been looked at by then.
    /// </summary>
    private static async Task DeleteAnUnusedClaimAsync(IKubernetes client, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("marker"), "default", cancellationToken: ct);
        var deleted = await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("marker", "default", cancellationToken: ct);
        var events = client.CoreV1.WatchListNamespacedPersistentVolumeClaimAsync("default", fieldSelector: "metadata.name=marker",
            resourceVersion: deleted.Metadata.ResourceVersion, cancellationToken: ct);
        await foreach (var (type, _) in events.WithCancellation(ct))
        {
            if (type == WatchEventType.Deleted)
            {
                return;
            }
        }
    }

    internal static V1PersistentVolumeClaim Claim(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = "manual",
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };

    private static V1Pod PodUsing(string name, string claim, string? nodeName) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = nodeName,
            Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}
