using System.Net;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ResourceQuotas.QuotaTestSupport;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The LimitRanger admission plugin through the Kubernetes client: defaults, the annotation, and refusals.</summary>
public sealed class LimitRangerTests
{
    private static V1LimitRange LimitRange(params V1LimitRangeItem[] items) =>
        new() { Metadata = new V1ObjectMeta { Name = "limits" }, Spec = new V1LimitRangeSpec { Limits = items } };

    private static Dictionary<string, ResourceQuantity> Amounts(params (string Name, string Value)[] amounts) =>
        amounts.ToDictionary(a => a.Name, a => new ResourceQuantity(a.Value));

    [Fact]
    public async Task Defaults_fill_containers_and_init_containers_and_are_recorded_in_the_annotation()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedLimitRangeAsync(LimitRange(new V1LimitRangeItem
        {
            Type = "Container",
            DefaultProperty = Amounts(("cpu", "500m"), ("memory", "256Mi")),
            DefaultRequest = Amounts(("cpu", "100m")),
        }), Ns, cancellationToken: ct);

        var created = await client.CoreV1.CreateNamespacedPodAsync(Pod("web", tweak: s => s.InitContainers =
        [
            new V1Container { Name = "setup", Image = "busybox", Resources = new V1ResourceRequirements { Limits = Amounts(("cpu", "200m")) } },
        ]), Ns, cancellationToken: ct);

        var app = created.Spec.Containers[0].Resources;
        var setup = created.Spec.InitContainers[0].Resources;
        Assert.Equal(("100m", "256Mi", "500m", "256Mi"), (app.Requests["cpu"].ToString(), app.Requests["memory"].ToString(), app.Limits["cpu"].ToString(), app.Limits["memory"].ToString()));
        Assert.Equal(("200m", "256Mi", "200m", "256Mi"), (setup.Requests["cpu"].ToString(), setup.Requests["memory"].ToString(), setup.Limits["cpu"].ToString(), setup.Limits["memory"].ToString()));
        Assert.Equal(
            "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; memory request for init container setup; memory limit for init container setup",
            created.Metadata.Annotations["kubernetes.io/limit-ranger"]);
    }

    [Fact]
    public async Task Container_and_pod_bounds_are_enforced_with_upstreams_messages()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedLimitRangeAsync(LimitRange(
            new V1LimitRangeItem { Type = "Container", Max = Amounts(("cpu", "1")), Min = Amounts(("cpu", "50m")), MaxLimitRequestRatio = Amounts(("cpu", "2")) },
            new V1LimitRangeItem { Type = "Pod", Max = Amounts(("memory", "1Gi")) }), Ns, cancellationToken: ct);

        var (code, tooBig) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("big", Resources(cpuRequest: "1", cpuLimit: "2")), Ns, cancellationToken: ct));
        var (_, ratio) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(
            Pod("spiky", Resources(cpuRequest: "100m", cpuLimit: "500m", memoryLimit: "128Mi")), Ns, cancellationToken: ct));
        var (_, defaulted) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("bare"), Ns, cancellationToken: ct));
        await client.CoreV1.CreateNamespacedPodAsync(Pod("fits", Resources(cpuRequest: "200m", cpuLimit: "400m", memoryLimit: "512Mi")), Ns, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("pods \"big\" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Pod is 1Gi.  No limit is specified]", tooBig);
        Assert.Equal("pods \"spiky\" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000", ratio);
        // The Container item's max is its default limit and default request (LimitRange defaulting), so only the Pod item is left.
        Assert.Equal("pods \"bare\" is forbidden: maximum memory usage per Pod is 1Gi.  No limit is specified", defaulted);
    }

    [Fact]
    public async Task Claim_storage_bounds_apply_on_create_and_update()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedLimitRangeAsync(LimitRange(
            new V1LimitRangeItem { Type = "PersistentVolumeClaim", Max = Amounts(("storage", "1Gi")), Min = Amounts(("storage", "100Mi")) }), Ns, cancellationToken: ct);
        V1PersistentVolumeClaim Claim(string name, string size) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                StorageClassName = "",
                Resources = new V1VolumeResourceRequirements { Requests = Amounts(("storage", size)) },
            },
        };

        var (_, tooBig) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("big", "2Gi"), Ns, cancellationToken: ct));
        var (_, tooSmall) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("small", "10Mi"), Ns, cancellationToken: ct));

        Assert.Equal("persistentvolumeclaims \"big\" is forbidden: maximum storage usage per PersistentVolumeClaim is 1Gi, but request is 2Gi", tooBig);
        Assert.Equal("persistentvolumeclaims \"small\" is forbidden: minimum storage usage per PersistentVolumeClaim is 100Mi, but request is 10Mi", tooSmall);
    }
}
