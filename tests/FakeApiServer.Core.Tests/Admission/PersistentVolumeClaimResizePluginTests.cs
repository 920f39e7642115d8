using System.Net;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The PersistentVolumeClaimResize admission plugin through the API.</summary>
public sealed class PersistentVolumeClaimResizePluginTests
{
    [Fact]
    public async Task Growing_a_bound_claim_needs_a_class_that_allows_volume_expansion()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace") }, ct);
        await cluster.Client.StorageV1.CreateStorageClassAsync(
            new V1StorageClass { Metadata = new V1ObjectMeta { Name = "fixed" }, Provisioner = "example.com/disk" }, cancellationToken: ct);
        await cluster.Client.StorageV1.CreateStorageClassAsync(
            new V1StorageClass { Metadata = new V1ObjectMeta { Name = "elastic" }, Provisioner = "example.com/disk", AllowVolumeExpansion = true }, cancellationToken: ct);
        var fixedClaim = await BoundClaimAsync(cluster, "fixed-data", "fixed", ct);
        var elasticClaim = await BoundClaimAsync(cluster, "elastic-data", "elastic", ct);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => GrowAsync(cluster, fixedClaim, "2Gi", ct));
        var sameSize = await GrowAsync(cluster, fixedClaim, "1024Mi", ct);
        var grown = await GrowAsync(cluster, elasticClaim, "2Gi", ct);

        refused.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "persistentvolumeclaims \"fixed-data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        Assert.Equal("1Gi", sameSize.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("2Gi", grown.Spec.Resources.Requests["storage"].ToString());
    }

    private static async Task<V1PersistentVolumeClaim> BoundClaimAsync(FakeCluster cluster, string name, string storageClass, CancellationToken ct)
    {
        var claim = await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = storageClass,
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, "default", cancellationToken: ct);
        claim.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound", Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } };
        return await cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(claim, name, "default", cancellationToken: ct);
    }

    private static Task<V1PersistentVolumeClaim> GrowAsync(FakeCluster cluster, V1PersistentVolumeClaim claim, string size, CancellationToken ct)
    {
        var patch = new V1Patch("{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}", V1Patch.PatchType.MergePatch);
        return cluster.Client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(patch, claim.Metadata.Name, "default", cancellationToken: ct);
    }
}
