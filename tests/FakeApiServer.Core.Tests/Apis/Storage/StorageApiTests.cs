using System.Net;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Storage;

/// <summary>StorageClasses and PersistentVolumeClaims: defaults and the fields upstream forbids changing.</summary>
public sealed class StorageApiTests
{
    [Fact]
    public async Task A_storage_class_defaults_its_policies_and_keeps_its_parameters()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "fast" },
            Provisioner = "example.com/fast",
            Parameters = new Dictionary<string, string> { ["type"] = "ssd" },
        }, cancellationToken: ct);

        created.Parameters["type"] = "hdd";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.StorageV1.ReplaceStorageClassAsync(created, "fast", cancellationToken: ct));

        Assert.Equal(("Delete", "Immediate"), (created.ReclaimPolicy, created.VolumeBindingMode));
        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "StorageClass.storage.k8s.io \"fast\" is invalid: parameters: Forbidden: updates to parameters are forbidden.");
    }

    [Fact]
    public async Task A_claim_may_grow_its_request_but_not_change_its_class()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace") }, ct);
        await cluster.Client.StorageV1.CreateStorageClassAsync(
            new V1StorageClass { Metadata = new V1ObjectMeta { Name = "elastic" }, Provisioner = "example.com/disk", AllowVolumeExpansion = true }, cancellationToken: ct);
        var claim = await cluster.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = "elastic",
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, "default", cancellationToken: ct);
        Assert.Equal(("Filesystem", "Pending"), (claim.Spec.VolumeMode, claim.Status.Phase));
        claim.Status.Phase = "Bound";
        claim = await cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(claim, "data", "default", cancellationToken: ct);

        claim.Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        var grown = await cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(claim, "data", "default", cancellationToken: ct);
        grown.Spec.StorageClassName = "fast";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(grown, "data", "default", cancellationToken: ct));

        Assert.Equal("2Gi", grown.Spec.Resources.Requests["storage"].ToString());
        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
    }
}
