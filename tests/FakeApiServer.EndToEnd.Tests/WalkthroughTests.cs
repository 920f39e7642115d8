using System.Net;
using System.Net.Sockets;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// The multi-network walkthrough of multinetwork.md section 7, driven with real kubectl on a server with every
/// controller on (as `dotnet run` starts it): fixtures/multinetwork/01..05 applied in order.
/// </summary>
public sealed class WalkthroughTests
{
    private static readonly FakeClusterOptions AsShipped = new()
    {
        FeatureGates = FeatureGates.Default.With(FeatureName.MultiNetwork, true),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
        Controllers = ControllerSelection.All,
    };

    /// <summary>A pod on the dataplane network, applied after that PodNetwork was disabled: it stays unschedulable.</summary>
    internal const string LatePod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: late
        spec:
          networks:
          - podNetworkName: dataplane
            interfaceName: net1
          containers:
          - name: c
            image: busybox
        """;

    internal static readonly string[] Files =
        ["01-macvlan-nad.yaml", "02-podnetwork-dataplane.yaml", "03-pod-ubuntu.yaml", "04-deployment-ubuntu-server.yaml", "05-service-ubuntu.yaml"];

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task The_walkthrough_gives_running_pods_on_both_networks_and_endpoints_with_default_ips_only(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(AsShipped, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var client = cluster.Client;

        foreach (var file in Files)
        {
            (await kubectl.RunAsync("apply", "-f", Fixture(file))).Succeeded();
        }

        await E2E.EventuallyAsync(async () =>
        {
            var pods = await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct);
            return pods.Items.Count == 3 && pods.Items.All(p => p.Status.Phase == "Running");
        }, "the three pods run", ct);
        var pods = (await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
        var pn = (await kubectl.RunAsync("get", "pn")).Succeeded();
        await E2E.EventuallyAsync(async () =>
            (await client.CoreV1.ReadNamespacedEndpointsAsync("ubuntu-service", "default", cancellationToken: ct)).Subsets?.SingleOrDefault()?.Addresses?.Count == 2,
            "the service has two endpoints", ct);
        var endpoints = await client.CoreV1.ReadNamespacedEndpointsAsync("ubuntu-service", "default", cancellationToken: ct);

        foreach (var pod in pods)
        {
            var raw = await RawPodAsync(cluster, pod.Metadata.Name, ct);
            var networks = System.Text.Json.Nodes.JsonNode.Parse(raw)!["spec"]!["networks"]!.AsArray();
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
                System.Text.Json.Nodes.JsonNode.Parse("""{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}"""), networks[^1]),
                "the default network entry is not last: " + networks.ToJsonString());
            var ips = pod.Status.PodIPs.Select(p => IPAddress.Parse(p.Ip)).ToList();
            Assert.Contains(ips, ip => ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString().StartsWith("10.244.", StringComparison.Ordinal));
            Assert.Contains(ips, ip => ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ToString().StartsWith("fd00:10:244:", StringComparison.Ordinal));
            Assert.Contains(ips, ip => ip.ToString().StartsWith("169.254.100.", StringComparison.Ordinal));
            Assert.Contains(ips, ip => ip.ToString().StartsWith("100:100::", StringComparison.Ordinal));
            Assert.Contains("\"podNetwork\":\"dataplane\"", raw, StringComparison.Ordinal);
            Assert.Contains("\"interfaceName\":\"net1\"", raw, StringComparison.Ordinal);
        }

        var servers = pods.Where(p => p.Metadata.Name.StartsWith("ubuntu-server-", StringComparison.Ordinal)).ToList();
        var defaultIps = servers.SelectMany(p => p.Status.PodIPs.Select(i => i.Ip)).Where(ip => ip.StartsWith("10.244.", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(defaultIps, endpoints.Subsets.Single().Addresses.Select(a => a.Ip).Order());
        Assert.Equal("True", pn.Row("kubernetes")[3]);
        Assert.Equal("True", pn.Row("dataplane")[3]);

        (await kubectl.RunAsync("patch", "pn", "dataplane", "--type", "merge", "-p", """{"spec":{"enabled":false}}""")).Succeeded();
        var late = kubectl.WriteFile("late.yaml", LatePod);
        (await kubectl.RunAsync("apply", "-f", late)).Succeeded();
        V1PodCondition? scheduled = null;
        await E2E.EventuallyAsync(async () =>
        {
            var pod = await client.CoreV1.ReadNamespacedPodAsync("late", "default", cancellationToken: ct);
            scheduled = pod.Status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
            return scheduled is { Status: "False" };
        }, "the late pod is unschedulable", ct);

        Assert.Equal("Unschedulable", scheduled!.Reason);
        Assert.Equal("0/2 nodes are available: PodNetworks referred in the pod must be enabled.", scheduled.Message);
        Assert.Equal("Pending", (await client.CoreV1.ReadNamespacedPodAsync("late", "default", cancellationToken: ct)).Status.Phase);
    }

    private static async Task<string> RawPodAsync(FakeCluster cluster, string name, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        return await http.GetStringAsync($"api/v1/namespaces/default/pods/{name}", cancellationToken);
    }

    /// <summary>A file of fixtures/multinetwork, found by walking up from the test binaries to the repository.</summary>
    internal static string Fixture(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "fixtures", "multinetwork", file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("fixtures/multinetwork not found above " + AppContext.BaseDirectory, file);
    }
}
