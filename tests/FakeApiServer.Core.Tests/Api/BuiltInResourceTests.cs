using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>What a fresh cluster holds, and the server-set fields of services and pods.</summary>
public sealed class BuiltInResourceTests
{
    [Fact]
    public async Task A_new_cluster_has_the_system_namespaces_active()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var namespaces = await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct);

        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], namespaces.Items.Select(n => n.Metadata.Name));
        Assert.All(namespaces.Items, n => Assert.Equal("Active", n.Status?.Phase));
    }

    [Fact]
    public async Task The_kubernetes_service_has_the_first_cluster_ip()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var service = await cluster.Client.CoreV1.ReadNamespacedServiceAsync("kubernetes", "default", cancellationToken: ct);

        Assert.Equal("10.96.0.1", service.Spec.ClusterIP);
        Assert.Equal(["10.96.0.1"], service.Spec.ClusterIPs);
        Assert.Equal(443, Assert.Single(service.Spec.Ports).Port);
    }

    [Fact]
    public async Task Services_get_distinct_cluster_ips_from_the_service_range()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var ips = new HashSet<string>();

        for (var i = 0; i < 3; i++)
        {
            var service = await cluster.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = $"svc-{i}" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 80 }] },
            }, "default", cancellationToken: ct);

            Assert.Matches(@"^10\.96\.\d{1,3}\.\d{1,3}$", service.Spec.ClusterIP);
            Assert.NotEqual("10.96.0.1", service.Spec.ClusterIP);
            Assert.Equal("ClusterIP", service.Spec.Type);
            Assert.True(ips.Add(service.Spec.ClusterIP), "cluster IPs are unique");
        }
    }

    [Fact]
    public async Task Service_with_a_taken_cluster_ip_returns_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "clash" },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.0.1", Ports = [new V1ServicePort { Port = 80 }] },
        }, "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        Assert.StartsWith("Service \"clash\" is invalid: spec.clusterIPs", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pods_start_Pending_with_spec_defaults()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("p"), "default", cancellationToken: ct);

        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Equal("BestEffort", pod.Status.QosClass);
        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Equal("ClusterFirst", pod.Spec.DnsPolicy);
        Assert.Equal("default-scheduler", pod.Spec.SchedulerName);
        Assert.Equal(30, pod.Spec.TerminationGracePeriodSeconds);
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal("IfNotPresent", container.ImagePullPolicy);
        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
        Assert.Equal("File", container.TerminationMessagePolicy);
    }

    [Fact]
    public async Task Pod_without_containers_returns_422_with_causes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [] } }, "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "Pod \"p\" is invalid: spec.containers: Required value");
        Assert.Equal("FieldValueRequired", (string?)status["details"]?["causes"]?[0]?["reason"]);
        Assert.Equal("spec.containers", (string?)status["details"]?["causes"]?[0]?["field"]);
        Assert.Equal("Pod", (string?)status["details"]?["kind"]);
    }

    [Fact]
    public async Task Invalid_name_returns_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Bad_Name"), "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", (string?)status["message"], StringComparison.Ordinal);
    }
}
