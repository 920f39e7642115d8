using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Core.Services;

/// <summary>Cluster IPs and node ports are held while a Service holds them and free again afterwards, as upstream's allocators.</summary>
public sealed class ServiceIpAllocatorTests
{
    private static V1Service Service(string name, string? clusterIp = null, string type = "ClusterIP", int? nodePort = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIp,
            Ports = [new V1ServicePort { Port = 80, NodePort = nodePort }],
            Selector = new Dictionary<string, string> { ["app"] = name },
        },
    };

    [Fact]
    public async Task A_deleted_services_cluster_ip_can_be_taken_again()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var services = cluster.Client.CoreV1;

        await services.CreateNamespacedServiceAsync(Service("web", "10.96.0.77"), "default", cancellationToken: ct);
        await services.DeleteNamespacedServiceAsync("web", "default", cancellationToken: ct);
        var again = await services.CreateNamespacedServiceAsync(Service("web2", "10.96.0.77"), "default", cancellationToken: ct);

        Assert.Equal("10.96.0.77", again.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_deleted_services_node_port_can_be_taken_again()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var services = cluster.Client.CoreV1;

        await services.CreateNamespacedServiceAsync(Service("web", type: "NodePort", nodePort: 30080), "default", cancellationToken: ct);
        await services.DeleteNamespacedServiceAsync("web", "default", cancellationToken: ct);
        var again = await services.CreateNamespacedServiceAsync(Service("web", type: "NodePort", nodePort: 30080), "default", cancellationToken: ct);

        Assert.Equal(30080, again.Spec.Ports[0].NodePort);
    }

    [Fact]
    public async Task A_failed_create_does_not_keep_its_cluster_ip()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var services = cluster.Client.CoreV1;
        await services.CreateNamespacedServiceAsync(Service("web"), "default", cancellationToken: ct);

        // Same name: the IP is checked and held, then the write fails with AlreadyExists.
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => services.CreateNamespacedServiceAsync(Service("web", "10.96.0.78"), "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var dryRun = await services.CreateNamespacedServiceAsync(Service("dry", "10.96.0.79"), "default", dryRun: "All", cancellationToken: ct);
        var other = await services.CreateNamespacedServiceAsync(Service("other", "10.96.0.78"), "default", cancellationToken: ct);
        var third = await services.CreateNamespacedServiceAsync(Service("third", "10.96.0.79"), "default", cancellationToken: ct);

        Assert.Equal("10.96.0.79", dryRun.Spec.ClusterIP);
        Assert.Equal("10.96.0.78", other.Spec.ClusterIP);
        Assert.Equal("10.96.0.79", third.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_live_services_cluster_ip_stays_taken()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var services = cluster.Client.CoreV1;
        await services.CreateNamespacedServiceAsync(Service("web", "10.96.0.77"), "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => services.CreateNamespacedServiceAsync(Service("web2", "10.96.0.77"), "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Service \"web2\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.77\"}: failed to allocate IP 10.96.0.77: provided IP is already allocated");
    }

    [Fact]
    public async Task Changing_to_ExternalName_releases_the_cluster_ip_and_changing_back_allocates_one()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var services = cluster.Client.CoreV1;
        await services.CreateNamespacedServiceAsync(Service("web", "10.96.0.77"), "default", cancellationToken: ct);

        var external = await services.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"type":"ExternalName","externalName":"example.com","selector":null}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        var taker = await services.CreateNamespacedServiceAsync(Service("taker", "10.96.0.77"), "default", cancellationToken: ct);
        var back = await services.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"type":"ClusterIP","externalName":null}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);

        Assert.Null(external.Spec.ClusterIP);
        Assert.Null(external.Spec.ClusterIPs);
        Assert.Equal("10.96.0.77", taker.Spec.ClusterIP);
        Assert.StartsWith("10.96.", back.Spec.ClusterIP, StringComparison.Ordinal);
        Assert.NotEqual("10.96.0.77", back.Spec.ClusterIP);
    }

    [Fact]
    public async Task Allocations_are_rebuilt_from_the_stored_services_at_start()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var dir = Directory.CreateTempSubdirectory("svc-ips-");
        try
        {
            await using (var first = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct))
            {
                await first.Client.CoreV1.CreateNamespacedServiceAsync(Service("kept", "10.96.0.77"), "default", cancellationToken: ct);
                await first.Client.CoreV1.CreateNamespacedServiceAsync(Service("gone", "10.96.0.78"), "default", cancellationToken: ct);
                await first.Client.CoreV1.DeleteNamespacedServiceAsync("gone", "default", cancellationToken: ct);
            }

            await using var second = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct);
            var taken = await Assert.ThrowsAsync<HttpOperationException>(() =>
                second.Client.CoreV1.CreateNamespacedServiceAsync(Service("again", "10.96.0.77"), "default", cancellationToken: ct));
            var free = await second.Client.CoreV1.CreateNamespacedServiceAsync(Service("gone", "10.96.0.78"), "default", cancellationToken: ct);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.Response.StatusCode);
            Assert.Equal("10.96.0.78", free.Spec.ClusterIP);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
