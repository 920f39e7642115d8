using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Controllers.PersistentVolumes;

/// <summary>
/// The default StorageClass, the simulated provisioner and the PV controller's binding, with the scheduler's
/// WaitForFirstConsumer handling, through the KubernetesClient.
/// </summary>
public sealed class PersistentVolumeBinderTests
{
    private const string Controllers = "namespace,node-simulator,scheduler,kubelet,persistentvolume-binder,serviceaccount";

    [Fact]
    public async Task A_default_class_claim_stays_pending_until_a_pod_uses_it_then_binds_to_a_provisioned_volume_that_goes_with_it()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await ControlPlaneTestSupport.StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;

        var standard = await client.StorageV1.ReadStorageClassAsync("standard", cancellationToken: ct);
        var claim = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", null, "1Gi"), "default", cancellationToken: ct);
        var waiting = await cluster.WaitForEventAsync("default", "data", "WaitForFirstConsumer", ct);
        var pending = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        Assert.Equal(("rancher.io/local-path", "true", "WaitForFirstConsumer", "Delete"),
            (standard.Provisioner, standard.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"], standard.VolumeBindingMode, standard.ReclaimPolicy));
        Assert.Equal("standard", claim.Spec.StorageClassName);
        Assert.Equal(("Normal", "waiting for first consumer to be created before binding"), ((string?)waiting["type"], (string?)waiting["message"]));
        Assert.Equal("Pending", pending.Status.Phase);
        Assert.Null(pending.Spec.VolumeName);
        Assert.Empty((await client.CoreV1.ListPersistentVolumeAsync(cancellationToken: ct)).Items);

        await client.CoreV1.CreateNamespacedPodAsync(PodUsing("app", "data"), "default", cancellationToken: ct);
        var pod = await EventuallyAsync(async () =>
        {
            var p = await client.CoreV1.ReadNamespacedPodAsync("app", "default", cancellationToken: ct);
            return p.Status?.Phase == "Running" ? p : null;
        }, ct);
        var bound = await EventuallyAsync(async () =>
        {
            var c = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
            return c.Status?.Phase == "Bound" ? c : null;
        }, ct);
        var volume = await EventuallyAsync(async () =>
        {
            var v = await client.CoreV1.ReadPersistentVolumeAsync("pvc-" + claim.Metadata.Uid, cancellationToken: ct);
            return v.Status?.Phase == "Bound" ? v : null;
        }, ct);

        Assert.Equal(Worker, pod.Spec.NodeName);
        Assert.Equal("pvc-" + claim.Metadata.Uid, bound.Spec.VolumeName);
        Assert.Equal("yes", bound.Metadata.Annotations["pv.kubernetes.io/bind-completed"]);
        Assert.Equal("yes", bound.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("rancher.io/local-path", bound.Metadata.Annotations["volume.kubernetes.io/storage-provisioner"]);
        Assert.Equal("rancher.io/local-path", bound.Metadata.Annotations["volume.beta.kubernetes.io/storage-provisioner"]);
        Assert.Equal(Worker, bound.Metadata.Annotations["volume.kubernetes.io/selected-node"]);
        Assert.Equal("1Gi", bound.Status.Capacity["storage"].ToString());
        Assert.Equal(["ReadWriteOnce"], bound.Status.AccessModes);
        Assert.Equal(("PersistentVolumeClaim", "default", "data", claim.Metadata.Uid),
            (volume.Spec.ClaimRef.Kind, volume.Spec.ClaimRef.NamespaceProperty, volume.Spec.ClaimRef.Name, volume.Spec.ClaimRef.Uid));
        Assert.Equal(("standard", "Delete", "1Gi"), (volume.Spec.StorageClassName, volume.Spec.PersistentVolumeReclaimPolicy, volume.Spec.Capacity["storage"].ToString()));
        Assert.Equal("rancher.io/local-path", volume.Metadata.Annotations["pv.kubernetes.io/provisioned-by"]);
        Assert.Equal([Worker], volume.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values);

        await client.CoreV1.DeleteNamespacedPodAsync("app", "default", gracePeriodSeconds: 0, cancellationToken: ct);
        await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadPersistentVolumeAsync(volume.Metadata.Name, cancellationToken: ct)), ct);
    }

    [Fact]
    public async Task A_static_volume_is_bound_by_the_smallest_matching_claim_and_released_but_kept_with_Retain()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await ControlPlaneTestSupport.StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        await client.CoreV1.CreatePersistentVolumeAsync(Volume("small", "manual", "1Gi"), cancellationToken: ct);
        await client.CoreV1.CreatePersistentVolumeAsync(Volume("big", "manual", "10Gi"), cancellationToken: ct);
        await client.CoreV1.CreatePersistentVolumeAsync(Volume("medium", "manual", "5Gi"), cancellationToken: ct);
        await client.CoreV1.CreatePersistentVolumeAsync(Volume("other-class", "slow", "2Gi"), cancellationToken: ct);

        var claim = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", "manual", "2Gi"), "default", cancellationToken: ct);
        var bound = await EventuallyAsync(async () =>
        {
            var c = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
            return c.Status?.Phase == "Bound" ? c : null;
        }, ct);
        var volume = await EventuallyAsync(async () =>
        {
            var v = await client.CoreV1.ReadPersistentVolumeAsync("medium", cancellationToken: ct);
            return v.Status?.Phase == "Bound" ? v : null;
        }, ct);

        Assert.Equal("medium", bound.Spec.VolumeName);
        Assert.Equal("5Gi", bound.Status.Capacity["storage"].ToString());
        Assert.Equal((claim.Metadata.Uid, "yes"), (volume.Spec.ClaimRef.Uid, volume.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]));
        Assert.Equal("Available", (await client.CoreV1.ReadPersistentVolumeAsync("small", cancellationToken: ct)).Status.Phase);

        await client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
        var released = await EventuallyAsync(async () =>
        {
            var v = await client.CoreV1.ReadPersistentVolumeAsync("medium", cancellationToken: ct);
            return v.Status?.Phase == "Released" ? v : null;
        }, ct);
        Assert.Equal("Retain", released.Spec.PersistentVolumeReclaimPolicy);
    }

    [Fact]
    public async Task A_claim_of_an_immediate_class_binds_at_once_without_a_pod()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await ControlPlaneTestSupport.StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        await client.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "fast" },
            Provisioner = "example.com/fast",
            VolumeBindingMode = "Immediate",
        }, cancellationToken: ct);

        var claim = await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", "fast", "3Gi"), "default", cancellationToken: ct);
        var bound = await EventuallyAsync(async () =>
        {
            var c = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", "default", cancellationToken: ct);
            return c.Status?.Phase == "Bound" ? c : null;
        }, ct);
        var succeeded = await cluster.WaitForEventAsync("default", "data", "ProvisioningSucceeded", ct);

        Assert.Equal("pvc-" + claim.Metadata.Uid, bound.Spec.VolumeName);
        Assert.False(bound.Metadata.Annotations.ContainsKey("volume.kubernetes.io/selected-node"));
        Assert.Equal($"Successfully provisioned volume pvc-{claim.Metadata.Uid}", (string?)succeeded["message"]);
    }

    [Fact]
    public async Task A_pod_with_a_missing_claim_or_an_unbound_immediate_claim_stays_pending_with_upstreams_message()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await ControlPlaneTestSupport.StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        await client.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "local" },
            Provisioner = "kubernetes.io/no-provisioner",
            VolumeBindingMode = "Immediate",
        }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("unbound", "local", "1Gi"), "default", cancellationToken: ct);

        await client.CoreV1.CreateNamespacedPodAsync(PodUsing("missing", "nope"), "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(PodUsing("waiting", "unbound"), "default", cancellationToken: ct);

        await cluster.WaitForAsync("/api/v1/namespaces/default/pods/missing",
            p => p.IsUnschedulable("0/2 nodes are available: persistentvolumeclaim \"nope\" not found."), ct);
        await cluster.WaitForAsync("/api/v1/namespaces/default/pods/waiting",
            p => p.IsUnschedulable("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."), ct);
        var failed = await cluster.WaitForEventAsync("default", "missing", "FailedScheduling", ct);
        Assert.Equal("0/2 nodes are available: persistentvolumeclaim \"nope\" not found.", (string?)failed["message"]);

        // A static volume reserved for the claim (claimRef by name), then the claim: they bind and the pod goes on.
        var reserved = Volume("disk", "local", "1Gi");
        reserved.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "nope" };
        await client.CoreV1.CreatePersistentVolumeAsync(reserved, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("nope", "local", "1Gi"), "default", cancellationToken: ct);
        var pod = await cluster.WaitForAsync("/api/v1/namespaces/default/pods/missing", p => p.NodeName() is not null, ct);
        var claim = await client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("nope", "default", cancellationToken: ct);
        Assert.Equal(Worker, pod.NodeName());
        Assert.Equal(("Bound", "disk"), (claim.Status.Phase, claim.Spec.VolumeName));
        Assert.Equal("yes", claim.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("Pending", (await client.CoreV1.ReadNamespacedPodAsync("waiting", "default", cancellationToken: ct)).Status.Phase);
    }

    private static V1PersistentVolumeClaim Claim(string name, string? storageClass, string size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(size) } },
        },
    };

    private static V1PersistentVolume Volume(string name, string storageClass, string size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = storageClass,
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(size) },
            HostPath = new V1HostPathVolumeSource { Path = "/data/" + name },
        },
    };

    private static V1Pod PodUsing(string name, string claim) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "main", Image = "busybox:1.36", VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }] }],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}
