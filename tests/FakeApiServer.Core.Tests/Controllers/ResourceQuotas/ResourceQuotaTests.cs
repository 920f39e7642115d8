using System.Net;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ResourceQuotas.QuotaTestSupport;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Controllers.ResourceQuotas;

/// <summary>The ResourceQuota admission plugin and the resourcequota controller, through the Kubernetes client.</summary>
public sealed class ResourceQuotaTests
{
    [Fact]
    public async Task A_quota_of_2_pods_refuses_the_third_with_upstreams_message_and_a_delete_frees_a_place()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await CreateQuotaAsync(client, NewQuota("pods", new Dictionary<string, string> { ["pods"] = "2" }), ct);

        await client.CoreV1.CreateNamespacedPodAsync(Pod("a"), Ns, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("b"), Ns, cancellationToken: ct);
        var (code, message) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("c"), Ns, cancellationToken: ct));
        var charged = await client.CoreV1.ReadNamespacedResourceQuotaAsync("pods", Ns, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("pods \"c\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2", message);
        Assert.Equal("2", Used(charged, "pods"));
        Assert.Equal("2", charged.Status.Hard["pods"].ToString());

        await client.CoreV1.DeleteNamespacedPodAsync("a", Ns, new V1DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken: ct);
        await WaitForQuotaAsync(client, "pods", q => Used(q, "pods") == "1", ct);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("c"), Ns, cancellationToken: ct);
    }

    [Fact]
    public async Task Compute_quotas_require_the_resources_and_charge_requests_and_limits()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedPodAsync(Pod("before", Resources(cpuRequest: "250m", memoryLimit: "256Mi")), Ns, cancellationToken: ct);
        var quota = await CreateQuotaAsync(client, NewQuota("compute", new Dictionary<string, string> { ["requests.cpu"] = "1", ["limits.memory"] = "1Gi" }), ct);

        var (_, unset) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("bare"), Ns, cancellationToken: ct));
        await client.CoreV1.CreateNamespacedPodAsync(Pod("fits", Resources(cpuRequest: "500m", memoryLimit: "512Mi")), Ns, cancellationToken: ct);
        var (_, exceeded) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("big", Resources(cpuRequest: "500m", memoryLimit: "128Mi")), Ns, cancellationToken: ct));
        var after = await client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", Ns, cancellationToken: ct);

        Assert.Equal(("250m", "256Mi"), (Used(quota, "requests.cpu"), Used(quota, "limits.memory")));
        Assert.Equal("pods \"bare\" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app", unset);
        Assert.Equal("pods \"big\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=750m, limited: requests.cpu=1", exceeded);
        Assert.Equal(("750m", "768Mi"), (Used(after, "requests.cpu"), Used(after, "limits.memory")));
    }

    [Fact]
    public async Task Scoped_quotas_count_only_the_pods_in_their_scopes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 }, cancellationToken: ct);
        await CreateQuotaAsync(client, NewQuota("best-effort", new Dictionary<string, string> { ["pods"] = "1" }, s => s.Scopes = ["BestEffort"]), ct);
        await CreateQuotaAsync(client, NewQuota("terminating", new Dictionary<string, string> { ["pods"] = "1" }, s => s.Scopes = ["Terminating"]), ct);
        await CreateQuotaAsync(client, NewQuota("high", new Dictionary<string, string> { ["pods"] = "1" }, s => s.ScopeSelector = new V1ScopeSelector
        {
            MatchExpressions = [new V1ScopedResourceSelectorRequirement { ScopeName = "PriorityClass", OperatorProperty = "In", Values = ["high"] }],
        }), ct);

        await client.CoreV1.CreateNamespacedPodAsync(Pod("idle"), Ns, cancellationToken: ct);
        var (_, bestEffort) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("idle-2"), Ns, cancellationToken: ct));
        await client.CoreV1.CreateNamespacedPodAsync(Pod("sized", Resources(cpuRequest: "100m")), Ns, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("job", Resources(cpuRequest: "100m"), s => s.ActiveDeadlineSeconds = 60), Ns, cancellationToken: ct);
        var (_, terminating) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(
            Pod("job-2", Resources(cpuRequest: "100m"), s => s.ActiveDeadlineSeconds = 60), Ns, cancellationToken: ct));
        await client.CoreV1.CreateNamespacedPodAsync(Pod("urgent", Resources(cpuRequest: "100m"), s => s.PriorityClassName = "high"), Ns, cancellationToken: ct);
        var (_, priority) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(
            Pod("urgent-2", Resources(cpuRequest: "100m"), s => s.PriorityClassName = "high"), Ns, cancellationToken: ct));

        Assert.Equal("pods \"idle-2\" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1", bestEffort);
        Assert.Equal("pods \"job-2\" is forbidden: exceeded quota: terminating, requested: pods=1, used: pods=1, limited: pods=1", terminating);
        Assert.Equal("pods \"urgent-2\" is forbidden: exceeded quota: high, requested: pods=1, used: pods=1, limited: pods=1", priority);
    }

    [Fact]
    public async Task An_update_into_a_scope_is_charged_to_its_quota()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await CreateQuotaAsync(client, NewQuota("terminating", new Dictionary<string, string> { ["pods"] = "1" }, s => s.Scopes = ["Terminating"]), ct);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("job", tweak: s => s.ActiveDeadlineSeconds = 60), Ns, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("web"), Ns, cancellationToken: ct);

        var (_, message) = await RefusedAsync(() => client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"activeDeadlineSeconds":30}}""", V1Patch.PatchType.MergePatch), "web", Ns, cancellationToken: ct));

        Assert.Equal("pods \"web\" is forbidden: exceeded quota: terminating, requested: pods=1, used: pods=1, limited: pods=1", message);
    }

    [Fact]
    public async Task Object_counts_node_ports_and_storage_classes_are_limited()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await CreateQuotaAsync(client, NewQuota("objects", new Dictionary<string, string>
        {
            ["configmaps"] = "1",
            ["count/secrets"] = "0",
            ["services.nodeports"] = "1",
            ["count/deployments.apps"] = "0",
            ["gold.storageclass.storage.k8s.io/requests.storage"] = "1Gi",
        }), ct);

        var existing = (await client.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: ct)).Items.Count;
        var configMap = existing == 0
            ? await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, Ns, cancellationToken: ct)
            : null;
        var (_, configMaps) = await RefusedAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two" } }, Ns, cancellationToken: ct));
        var (_, secrets) = await RefusedAsync(() => client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "token" } }, Ns, cancellationToken: ct));
        var (_, nodePorts) = await RefusedAsync(() => client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Type = "NodePort", Ports = [new V1ServicePort { Name = "http", Port = 80 }, new V1ServicePort { Name = "https", Port = 443 }] },
        }, Ns, cancellationToken: ct));
        var (_, deployments) = await RefusedAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), Ns, cancellationToken: ct));
        var (_, storage) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = "gold",
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("2Gi") } },
            },
        }, Ns, cancellationToken: ct));

        Assert.Equal("configmaps \"two\" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1", configMaps);
        Assert.Equal("secrets \"token\" is forbidden: exceeded quota: objects, requested: count/secrets=1, used: count/secrets=0, limited: count/secrets=0", secrets);
        Assert.Equal("services \"web\" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1", nodePorts);
        Assert.Equal("deployments.apps \"web\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0", deployments);
        Assert.Equal(
            "persistentvolumeclaims \"data\" is forbidden: exceeded quota: objects, requested: gold.storageclass.storage.k8s.io/requests.storage=2Gi, used: gold.storageclass.storage.k8s.io/requests.storage=0, limited: gold.storageclass.storage.k8s.io/requests.storage=1Gi",
            storage);
        GC.KeepAlive(configMap);
    }

    [Fact]
    public async Task Concurrent_creates_never_overshoot_the_quota()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await CreateQuotaAsync(client, NewQuota("pods", new Dictionary<string, string> { ["pods"] = "3" }), ct);

        var attempts = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await client.CoreV1.CreateNamespacedPodAsync(Pod("p" + i), Ns, cancellationToken: ct);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                return false;
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);
        var pods = await client.CoreV1.ListNamespacedPodAsync(Ns, cancellationToken: ct);
        var quota = await client.CoreV1.ReadNamespacedResourceQuotaAsync("pods", Ns, cancellationToken: ct);

        Assert.Equal(3, results.Count(r => r));
        Assert.Equal(3, pods.Items.Count);
        Assert.Equal("3", Used(quota, "pods"));
    }
}
