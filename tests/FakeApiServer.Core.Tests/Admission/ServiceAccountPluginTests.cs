using System.Net;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Admission;

/// <summary>kube-apiserver's ServiceAccount admission plugin, through the KubernetesClient.</summary>
public sealed class ServiceAccountPluginTests
{
    private static V1Pod Pod(string name, Action<V1PodSpec>? tweak = null)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                InitContainers = [new V1Container { Name = "init", Image = "busybox" }],
                Containers = [new V1Container { Name = "main", Image = "nginx" }, new V1Container { Name = "side", Image = "busybox" }],
            },
        };
        tweak?.Invoke(pod.Spec);
        return pod;
    }

    [Fact]
    public async Task A_pod_gets_the_default_account_and_the_kube_api_access_volume_in_every_container()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: cts.Token);

        Assert.Equal("default", pod.Spec.ServiceAccountName);
        var volume = Assert.Single(pod.Spec.Volumes);
        Assert.Matches("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$", volume.Name);
        Assert.Equal(420, volume.Projected.DefaultMode);
        Assert.Equal(3607, volume.Projected.Sources[0].ServiceAccountToken.ExpirationSeconds);
        Assert.Equal("token", volume.Projected.Sources[0].ServiceAccountToken.Path);
        Assert.Equal("kube-root-ca.crt", volume.Projected.Sources[1].ConfigMap.Name);
        Assert.Equal("ca.crt", Assert.Single(volume.Projected.Sources[1].ConfigMap.Items).Path);
        var item = Assert.Single(volume.Projected.Sources[2].DownwardAPI.Items);
        Assert.Equal(("namespace", "metadata.namespace", "v1"), (item.Path, item.FieldRef.FieldPath, item.FieldRef.ApiVersion));
        foreach (var container in pod.Spec.InitContainers.Concat(pod.Spec.Containers))
        {
            var mount = Assert.Single(container.VolumeMounts);
            Assert.Equal((volume.Name, "/var/run/secrets/kubernetes.io/serviceaccount", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty == true));
        }
    }

    [Fact]
    public async Task A_pod_naming_a_missing_account_is_forbidden()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", s => s.ServiceAccountName = "builder"), "default", cancellationToken: cts.Token));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"web\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found");
    }

    [Fact]
    public async Task Automount_false_on_the_account_or_the_pod_mounts_nothing_and_the_pod_wins()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "quiet" }, AutomountServiceAccountToken = false }, "default", cancellationToken: ct);

        var byAccount = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("a", s => s.ServiceAccountName = "quiet"), "default", cancellationToken: ct);
        var podWins = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("b", s => (s.ServiceAccountName, s.AutomountServiceAccountToken) = ("quiet", true)), "default", cancellationToken: ct);
        var byPod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("c", s => s.AutomountServiceAccountToken = false), "default", cancellationToken: ct);

        Assert.Null(byAccount.Spec.Volumes);
        Assert.Single(podWins.Spec.Volumes);
        Assert.Null(byPod.Spec.Volumes);
        Assert.Null(byPod.Spec.Containers[0].VolumeMounts);
    }

    [Fact]
    public async Task A_container_with_its_own_mount_at_the_path_keeps_it_and_pull_secrets_come_from_the_account()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(
            new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "puller" }, ImagePullSecrets = [new V1LocalObjectReference { Name = "registry" }] },
            "default", cancellationToken: ct);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", s =>
        {
            s.ServiceAccountName = "puller";
            s.Volumes = [new V1Volume { Name = "own", EmptyDir = new V1EmptyDirVolumeSource() }];
            s.Containers[1].VolumeMounts = [new V1VolumeMount { Name = "own", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount" }];
        }), "default", cancellationToken: ct);
        var ownPullSecrets = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("mine", s => (s.ServiceAccountName, s.ImagePullSecrets) = ("puller", [new V1LocalObjectReference { Name = "other" }])), "default", cancellationToken: ct);

        Assert.Equal(["own", "kube-api-access"], pod.Spec.Volumes.Select(v => v.Name.Split('-')[0] == "own" ? "own" : v.Name[..^6]));
        Assert.Equal("own", Assert.Single(pod.Spec.Containers[1].VolumeMounts).Name);
        Assert.Equal("registry", Assert.Single(pod.Spec.ImagePullSecrets).Name);
        Assert.Equal("other", Assert.Single(ownPullSecrets.Spec.ImagePullSecrets).Name);
    }

    [Fact]
    public async Task A_mirror_pod_is_left_alone_but_may_not_reference_accounts_or_secrets()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        V1Pod Mirror(string name, Action<V1PodSpec>? tweak = null)
        {
            var pod = Pod(name, tweak);
            pod.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "abc" };
            return pod;
        }

        var mirror = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Mirror("static"), "default", cancellationToken: ct);
        var account = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodAsync(Mirror("a", s => s.ServiceAccountName = "default"), "default", cancellationToken: ct));
        var secret = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Mirror("b", s => s.Volumes = [new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "x" } }]), "default", cancellationToken: ct));

        Assert.True(string.IsNullOrEmpty(mirror.Spec.ServiceAccountName));
        Assert.Null(mirror.Spec.Volumes);
        account.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"a\" is forbidden: a mirror pod may not reference service accounts");
        secret.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"b\" is forbidden: a mirror pod may not reference secrets");
    }

    [Fact]
    public async Task A_pod_in_a_brand_new_namespace_waits_for_its_default_account()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "brand-new" } }, cancellationToken: ct);
        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "brand-new", cancellationToken: ct);

        Assert.Equal("default", pod.Spec.ServiceAccountName);
        Assert.Single(pod.Spec.Volumes);
    }

    [Fact]
    public async Task Without_the_serviceaccount_controller_a_pod_needing_default_is_forbidden()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("namespace,-serviceaccount") }, ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"web\" is forbidden: error looking up service account default/default: serviceaccount \"default\" not found");
    }
}
