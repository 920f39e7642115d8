using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Controllers.Endpoints;

/// <summary>The endpoints and endpointslice controllers, with pods written by hand (no kubelet).</summary>
public sealed class EndpointsControllerTests
{
    private const string Controllers = "endpoints,endpointslice,garbage-collector,serviceaccount";

    [Fact]
    public async Task Endpoints_and_slices_hold_only_default_network_ips_per_family_with_not_ready_pods_apart()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true, controllers: Controllers);
        var client = cluster.Client;
        var service = await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "api", Labels = new Dictionary<string, string> { ["tier"] = "backend" } },
            Spec = new V1ServiceSpec
            {
                IpFamilyPolicy = "PreferDualStack",
                Selector = new Dictionary<string, string> { ["app"] = "api" },
                Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }],
            },
        }, "default", cancellationToken: ct);
        foreach (var name in new[] { "ready", "starting" })
        {
            var pod = ToJson(new V1Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "api" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx" }] },
            });
            pod["spec"]!["networks"] = DataplaneNetworks();
            await CreateJsonAsync(cluster, "api/v1/namespaces/default/pods", pod, ct);
        }

        await PatchStatusAsync(cluster, "default", "ready", Status(ready: true, n: 11), ct);
        await PatchStatusAsync(cluster, "default", "starting", Status(ready: false, n: 12), ct);
        var endpoints = await EventuallyAsync(async () =>
        {
            var e = await client.CoreV1.ReadNamespacedEndpointsAsync("api", "default", cancellationToken: ct);
            return e.Subsets?.SingleOrDefault() is { Addresses.Count: 1, NotReadyAddresses.Count: 1 } ? e : null;
        }, ct);
        var slices = await EventuallyAsync(async () =>
        {
            var list = (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=api", cancellationToken: ct)).Items;
            return list.Count == 2 && list.All(s => s.Endpoints?.Count == 2) ? list : null;
        }, ct);

        var subset = endpoints.Subsets[0];
        Assert.Equal("10.244.1.11", subset.Addresses[0].Ip);
        Assert.Equal(("Pod", "ready"), (subset.Addresses[0].TargetRef.Kind, subset.Addresses[0].TargetRef.Name));
        Assert.Equal("10.244.1.12", subset.NotReadyAddresses[0].Ip);
        Assert.Equal(("http", 8080, "TCP"), (subset.Ports[0].Name, subset.Ports[0].Port, subset.Ports[0].Protocol));
        Assert.Equal("backend", endpoints.Metadata.Labels["tier"]);
        Assert.Equal(["IPv4", "IPv6"], slices.Select(s => s.AddressType).Order(StringComparer.Ordinal));
        foreach (var slice in slices)
        {
            Assert.StartsWith("api-", slice.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal("endpointslice-controller.k8s.io", slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]);
            Assert.Equal(("Service", "api", service.Metadata.Uid), (slice.Metadata.OwnerReferences[0].Kind, slice.Metadata.OwnerReferences[0].Name, slice.Metadata.OwnerReferences[0].Uid));
            Assert.Equal(8080, Assert.Single(slice.Ports).Port);
            Assert.All(slice.Endpoints, e => Assert.DoesNotContain(e.Addresses, a => a.StartsWith("192.168.", StringComparison.Ordinal)));
            var ready = slice.Endpoints.Single(e => e.TargetRef.Name == "ready");
            var starting = slice.Endpoints.Single(e => e.TargetRef.Name == "starting");
            Assert.Equal((true, true, false), (ready.Conditions.Ready, ready.Conditions.Serving, ready.Conditions.Terminating));
            Assert.Equal((false, false, false), (starting.Conditions.Ready, starting.Conditions.Serving, starting.Conditions.Terminating));
        }

        Assert.Equal(["10.244.1.11"], slices.Single(s => s.AddressType == "IPv4").Endpoints.Single(e => e.TargetRef.Name == "ready").Addresses);
        Assert.Equal(["fd00:10:244:1::11"], slices.Single(s => s.AddressType == "IPv6").Endpoints.Single(e => e.TargetRef.Name == "ready").Addresses);

        using (var http = new HttpClient { BaseAddress = cluster.BaseAddress })
        {
            // Raw: the client reads a service delete's answer as a Service, and this server answers with a Status.
            (await http.DeleteAsync("api/v1/namespaces/default/services/api", ct)).EnsureSuccessStatusCode();
        }

        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespacedEndpointsAsync("api", "default", cancellationToken: ct)), ct);
        await EventuallyAsync(async () => (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=api", cancellationToken: ct)).Items.Count == 0, ct);
    }

    [Fact]
    public async Task With_the_gate_off_every_pod_ip_backs_the_service()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "api" }, Ports = [new V1ServicePort { Port = 80 }] },
        }, "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Labels = new Dictionary<string, string> { ["app"] = "api" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx" }] },
        }, "default", cancellationToken: ct);
        await PatchStatusAsync(cluster, "default", "p",
            """{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"podIP":"10.244.2.5","podIPs":[{"ip":"10.244.2.5"}]}}""", ct);

        var endpoints = await EventuallyAsync(async () =>
        {
            // The controller may not have written the Endpoints yet.
            var e = (await client.CoreV1.ListNamespacedEndpointsAsync("default", fieldSelector: "metadata.name=api", cancellationToken: ct)).Items.SingleOrDefault();
            return e?.Subsets?.SingleOrDefault()?.Addresses?.Count == 1 ? e : null;
        }, ct);

        Assert.Equal("10.244.2.5", endpoints.Subsets[0].Addresses[0].Ip);
        Assert.Equal(80, endpoints.Subsets[0].Ports[0].Port);
    }

    [Fact]
    public async Task The_kubernetes_service_endpoints_point_at_the_api_server()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;

        var endpoints = await EventuallyAsync(async () =>
        {
            try
            {
                return await client.CoreV1.ReadNamespacedEndpointsAsync("kubernetes", "default", cancellationToken: ct);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);
        var slice = await EventuallyAsync(() => GetJsonAsync(cluster, "apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes", ct), ct);

        Assert.Equal(cluster.BaseAddress.Host, endpoints.Subsets[0].Addresses[0].Ip);
        Assert.Equal(("https", cluster.BaseAddress.Port), (endpoints.Subsets[0].Ports[0].Name, endpoints.Subsets[0].Ports[0].Port));
        Assert.Equal("kubernetes", slice["metadata"]!["labels"]!["kubernetes.io/service-name"]!.GetValue<string>());
        Assert.Equal(cluster.BaseAddress.Port, slice["ports"]![0]!["port"]!.GetValue<int>());
    }

    private static string Status(bool ready, int n) => new JsonObject
    {
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
            ["podIP"] = $"10.244.1.{n}",
            ["podIPs"] = new JsonArray(
                new JsonObject { ["ip"] = $"10.244.1.{n}", ["podNetwork"] = "kubernetes", ["interfaceName"] = "eth0" },
                new JsonObject { ["ip"] = $"fd00:10:244:1::{n}", ["podNetwork"] = "kubernetes", ["interfaceName"] = "eth0" },
                new JsonObject { ["ip"] = $"192.168.100.{n}", ["podNetwork"] = "dataplane", ["interfaceName"] = "net1" }),
        },
    }.ToJsonString();
}
