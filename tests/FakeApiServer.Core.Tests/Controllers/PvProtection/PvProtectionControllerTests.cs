using k8s;
using k8s.Models;
using FakeApiServer.Testing;

namespace FakeApiServer.Tests.Controllers.PvProtection;

/// <summary>
/// StorageObjectInUseProtection's volume finalizer and the pv-protection controller that takes it off, through the
/// KubernetesClient: a deleted volume stays while its phase is Bound.
/// </summary>
public sealed class PvProtectionControllerTests
{
    private const string Finalizer = "kubernetes.io/pv-protection";

    [Fact]
    public async Task A_bound_volume_stays_terminating_until_it_is_no_longer_bound()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var client = cluster.Client;
        var volume = await client.CoreV1.CreatePersistentVolumeAsync(Volume("data"), cancellationToken: ct);
        await client.CoreV1.PatchPersistentVolumeStatusAsync(new V1Patch("""{"status":{"phase":"Bound"}}""", V1Patch.PatchType.MergePatch), "data", cancellationToken: ct);

        await client.CoreV1.DeletePersistentVolumeAsync("data", cancellationToken: ct);
        await DeleteAnUnboundVolumeAsync(client, ct);
        var held = await client.CoreV1.ReadPersistentVolumeAsync("data", cancellationToken: ct);
        await client.CoreV1.PatchPersistentVolumeStatusAsync(new V1Patch("""{"status":{"phase":"Released"}}""", V1Patch.PatchType.MergePatch), "data", cancellationToken: ct);
        await cluster.WaitForGoneAsync("/api/v1/persistentvolumes/data", ct);

        Assert.Equal([Finalizer], volume.Metadata.Finalizers);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        Assert.Equal(("Bound", Finalizer), (held.Status.Phase, held.Metadata.Finalizers.Single()));
    }

    /// <summary>
    /// Creates and deletes a volume that never bound and waits until it is gone: the controller's one worker takes
    /// keys in order, so every volume deleted before it has been looked at by then.
    /// </summary>
    private static async Task DeleteAnUnboundVolumeAsync(IKubernetes client, CancellationToken ct)
    {
        await client.CoreV1.CreatePersistentVolumeAsync(Volume("marker"), cancellationToken: ct);
        var deleted = await client.CoreV1.DeletePersistentVolumeAsync("marker", cancellationToken: ct);
        var events = client.CoreV1.WatchListPersistentVolumeAsync(fieldSelector: "metadata.name=marker",
            resourceVersion: deleted.Metadata.ResourceVersion, cancellationToken: ct);
        await foreach (var (type, _) in events.WithCancellation(ct))
        {
            if (type == WatchEventType.Deleted)
            {
                return;
            }
        }
    }

    private static V1PersistentVolume Volume(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
            StorageClassName = "manual",
            HostPath = new V1HostPathVolumeSource { Path = "/data/" + name },
        },
    };
}
