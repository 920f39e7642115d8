using System.Text.Json.Nodes;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.Multus;

public sealed class MultusControllerTests
{
    private const string AllControllers =
        "namespace,garbage-collector,node-simulator,scheduler,kubelet,deployment,replicaset,endpoints,endpointslice,default-podnetwork,podnetwork-status,multus,serviceaccount";

    private const string Nad = """
        {"apiVersion":"k8s.cni.cncf.io/v1","kind":"NetworkAttachmentDefinition","metadata":{"name":"macvlan-nad"},
         "spec":{"config":"{\"cniVersion\":\"0.3.0\",\"type\":\"macvlan\",\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"169.254.100.0/24\"}],[{\"subnet\":\"100:100::/64\"}]]}}"}}
        """;

    private const string Dataplane = """
        {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetwork","metadata":{"name":"dataplane"},
         "spec":{"enabled":true,"provider":"k8s.cni.cncf.io/multus",
                 "parametersRefs":[{"group":"k8s.cni.cncf.io/v1","kind":"NetworkAttachmentDefinition","namespace":"default","name":"macvlan-nad"}]}}
        """;

    [Fact]
    public async Task Scaling_to_5_and_back_to_2_leaves_2_pods_and_endpoints_with_their_default_ips()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true, controllers: AllControllers);
        await SetUpDataplaneAsync(cluster, ct);
        await cluster.CreateAsync("/apis/apps/v1/namespaces/default/deployments", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},
                                 "spec":{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}],
                                         "containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}]}]}}}}
            """)!.AsObject(), ct);
        await cluster.CreateAsync("/api/v1/namespaces/default/services", JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}
            """)!.AsObject(), ct);

        await RunningPodsAsync(cluster, 2, ct);
        await cluster.PatchAsync("/apis/apps/v1/namespaces/default/deployments/web/scale", """{"spec":{"replicas":5}}""", ct);
        await RunningPodsAsync(cluster, 5, ct);
        await cluster.PatchAsync("/apis/apps/v1/namespaces/default/deployments/web/scale", """{"spec":{"replicas":2}}""", ct);
        var pods = await RunningPodsAsync(cluster, 2, ct);
        var defaultIps = pods.SelectMany(p => p["status"]!["podIPs"]!.AsArray())
            .Where(i => (string?)i!["podNetwork"] == "kubernetes" && !((string)i!["ip"]!).Contains(':', StringComparison.Ordinal))
            .Select(i => (string)i!["ip"]!).Order().ToList();
        var endpoints = await cluster.WaitForAsync("/api/v1/namespaces/default/endpoints/web",
            e => (e["subsets"]?[0]?["addresses"] as JsonArray)?.Count == 2
                 && e["subsets"]![0]!["addresses"]!.AsArray().Select(a => (string)a!["ip"]!).Order().SequenceEqual(defaultIps), ct);

        Assert.Equal(2, defaultIps.Count);
        Assert.Null(endpoints["subsets"]![0]!["notReadyAddresses"]);
    }

    [Fact]
    public async Task No_dataplane_address_is_handed_out_twice_across_200_pod_create_delete_cycles()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true, controllers: AllControllers);
        await SetUpDataplaneAsync(cluster, ct);
        var everSeen = new List<(string Pod, string Ip)>();

        for (var round = 0; round < 20; round++)
        {
            var names = Enumerable.Range(0, 10).Select(i => $"p{round}-{i}").ToList();
            await Task.WhenAll(names.Select(n => cluster.CreateAsync("/api/v1/namespaces/default/pods",
                Pod(n, """{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}]}"""), ct)));
            var pods = await RunningPodsAsync(cluster, 10, ct);
            var live = pods.SelectMany(p => p["status"]!["podIPs"]!.AsArray()
                    .Where(i => (string?)i!["podNetwork"] == "dataplane")
                    .Select(i => ((string)p["metadata"]!["name"]!, (string)i!["ip"]!)))
                .ToList();

            Assert.Equal(20, live.Count);
            Assert.Equal(live.Count, live.Select(l => l.Item2).Distinct().Count());
            everSeen.AddRange(live);
            await Task.WhenAll(names.Select(n => cluster.DeleteAsync($"/api/v1/namespaces/default/pods/{n}", ct)));
            foreach (var name in names)
            {
                await cluster.WaitForGoneAsync($"/api/v1/namespaces/default/pods/{name}", ct);
            }
        }

        Assert.Equal(400, everSeen.Count);
        Assert.All(everSeen, s => Assert.True(s.Ip.StartsWith("169.254.100.", StringComparison.Ordinal) || s.Ip.StartsWith("100:100::", StringComparison.Ordinal), s.Ip));
    }

    private static async Task SetUpDataplaneAsync(FakeApiServer.Testing.FakeCluster cluster, CancellationToken ct)
    {
        await cluster.WaitForAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/network-attachment-definitions.k8s.cni.cncf.io",
            crd => crd["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c!["type"] == "Established" && (string?)c["status"] == "True"), ct);
        await cluster.CreateAsync("/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions", JsonNode.Parse(Nad)!.AsObject(), ct);
        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", JsonNode.Parse(Dataplane)!.AsObject(), ct);
        await cluster.WaitForAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/dataplane",
            pn => pn["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True"), ct);
    }

    private static async Task<List<JsonObject>> RunningPodsAsync(FakeApiServer.Testing.FakeCluster cluster, int count, CancellationToken ct)
    {
        var list = await cluster.WaitForAsync("/api/v1/namespaces/default/pods", l =>
        {
            var items = (l["items"] as JsonArray)!.OfType<JsonObject>().ToList();
            return items.Count == count && items.All(p => p.Phase() == "Running" && p["metadata"]?["deletionTimestamp"] is null);
        }, ct);
        return list["items"]!.AsArray().OfType<JsonObject>().ToList();
    }
}
