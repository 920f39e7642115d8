using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// kubectl against three replica processes on one etcd: what is created through one is read through the others, a
/// watch through one sees a write through another, one kubeconfig with a context per replica reaches each, and the
/// multi-network walkthrough works with its writes, its controllers and its scheduler on three different replicas.
/// </summary>
public sealed class ReplicaKubectlTests(SpreadReplicasFixture fixture, ITestOutputHelper output) : IClassFixture<SpreadReplicasFixture>
{
    private static readonly TimeSpan Overall = TimeSpan.FromMinutes(3);

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_kubeconfig_with_a_context_per_replica_reaches_each_and_a_write_on_one_is_read_and_watched_on_the_others(string version)
    {
        using var cts = new CancellationTokenSource(Overall);
        var replicas = fixture.Cluster.Replicas;
        var ns = "kubectl-" + version.Replace('.', '-');

        // docs/operations.md: a copy of one replica's kubeconfig, plus a cluster and a context per replica.
        using var kubectl = Kubectl.ForKubeconfig(replicas[0].Kubeconfig, version);
        foreach (var replica in replicas)
        {
            var server = replica.BaseAddress.ToString().TrimEnd('/');
            (await kubectl.RunAsync("config", "set-cluster", replica.Name, "--server=" + server)).Succeeded();
            (await kubectl.RunAsync("config", "set-context", replica.Name, "--cluster=" + replica.Name, "--user=fakeapiserver", "--namespace=" + ns)).Succeeded();
        }

        var contexts = (await kubectl.RunAsync("config", "get-contexts", "-o", "name")).Succeeded();
        (await kubectl.RunAsync("--context", "replica-0", "create", "namespace", ns)).Succeeded();
        var created = (await kubectl.RunAsync("--context", "replica-0", "create", "configmap", "x", "--from-literal=color=blue")).Succeeded();
        var reads = new List<KubectlResult>();
        foreach (var replica in replicas)
        {
            reads.Add((await kubectl.RunAsync("--context", replica.Name, "get", "configmap", "x", "-o", "jsonpath={.data.color} {.metadata.resourceVersion}")).Succeeded());
        }

        await using var watch = kubectl.Start("--context", "replica-1", "get", "configmaps", "--watch");
        await watch.WaitForLineAsync(c => c[0] == "x", 0, Overall, "with x (the list before the watch)");
        (await kubectl.RunAsync("--context", "replica-2", "create", "configmap", "y", "--from-literal=color=red")).Succeeded();
        await watch.WaitForLineAsync(c => c[0] == "y", 0, Overall, "with y, created through replica-2");

        var own = new List<KubectlResult>();
        foreach (var replica in replicas)
        {
            using var single = Kubectl.ForKubeconfig(replica.Kubeconfig, version);
            own.Add((await single.RunAsync("get", "configmap", "y", "-n", ns, "-o", "jsonpath={.data.color}")).Succeeded());
        }

        Assert.Equal(["fakeapiserver", "replica-0", "replica-1", "replica-2"], contexts.Lines.Order());
        Assert.Equal("configmap/x created\n", created.Stdout);
        Assert.All(reads, r => Assert.Equal(reads[0].Stdout, r.Stdout));
        Assert.StartsWith("blue ", reads[0].Stdout, StringComparison.Ordinal);
        Assert.All(own, r => Assert.Equal("red", r.Stdout));
    }

    [KubectlFact]
    public async Task The_multinetwork_walkthrough_works_with_writes_controllers_and_scheduler_on_three_replicas()
    {
        using var cts = new CancellationTokenSource(Overall);
        var ct = cts.Token;
        var (scheduling, controlling, writing) = (fixture.Cluster.Replicas[0], fixture.Cluster.Replicas[1], fixture.Cluster.Replicas[2]);
        using var kubectl = Kubectl.ForKubeconfig(writing.Kubeconfig, KubectlTool.Tested[^1]);
        output.WriteLine($"kube-scheduler Lease: {scheduling.Name} ({fixture.SchedulerLeader}); kube-controller-manager Lease: {controlling.Name} ({fixture.ControllerManagerLeader}); kubectl through {writing.Name}");

        foreach (var file in WalkthroughTests.Files)
        {
            (await kubectl.RunAsync("apply", "-f", WalkthroughTests.Fixture(file))).Succeeded();
        }

        var pods = await CollectionWatch.UntilAsync(scheduling.BaseAddress, "api/v1/namespaces/default/pods",
            objects => objects.Count(p => (string?)p["status"]?["phase"] == "Running") == 3, ct);
        var endpoints = await CollectionWatch.UntilAsync(controlling.BaseAddress, "api/v1/namespaces/default/endpoints",
            objects => objects.Any(e => (string?)e["metadata"]!["name"] == "ubuntu-service" && e["subsets"]?[0]?["addresses"]?.AsArray().Count == 2), ct);
        await CollectionWatch.UntilAsync(writing.BaseAddress, "apis/networking.k8s.io/v1alpha1/podnetworks",
            objects => objects.Count(n => n["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True") == true) == 2, ct);
        var pn = (await kubectl.RunAsync("get", "pn")).Succeeded();

        foreach (var pod in pods)
        {
            var networks = pod["spec"]!["networks"]!.AsArray();
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}"""), networks[^1]),
                "the default network entry is not last: " + networks.ToJsonString());
            var ips = pod["status"]!["podIPs"]!.AsArray().Select(p => IPAddress.Parse((string)p!["ip"]!)).ToList();
            Assert.Contains(ips, ip => ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString().StartsWith("10.244.", StringComparison.Ordinal));
            Assert.Contains(ips, ip => ip.ToString().StartsWith("169.254.100.", StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty((string?)pod["spec"]!["nodeName"]));
        }

        var serverIps = pods.Where(p => ((string)p["metadata"]!["name"]!).StartsWith("ubuntu-server-", StringComparison.Ordinal))
            .SelectMany(p => p["status"]!["podIPs"]!.AsArray().Select(i => (string)i!["ip"]!)).Where(ip => ip.StartsWith("10.244.", StringComparison.Ordinal)).Order();
        var service = endpoints.Single(e => (string?)e["metadata"]!["name"] == "ubuntu-service");
        Assert.Equal(serverIps, service["subsets"]![0]!["addresses"]!.AsArray().Select(a => (string)a!["ip"]!).Order());
        Assert.Equal("True", pn.Row("kubernetes")[3]);
        Assert.Equal("True", pn.Row("dataplane")[3]);
        Assert.NotEqual(fixture.SchedulerLeader, fixture.ControllerManagerLeader);

        // The scheduler on replica-0 sees a PodNetwork disabled through replica-2.
        (await kubectl.RunAsync("patch", "pn", "dataplane", "--type", "merge", "-p", """{"spec":{"enabled":false}}""")).Succeeded();
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("late.yaml", WalkthroughTests.LatePod))).Succeeded();
        var late = await CollectionWatch.UntilAsync(controlling.BaseAddress, "api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dlate",
            objects => objects.Any(p => PodScheduled(p) is { } c && (string?)c["status"] == "False"), ct);
        var scheduled = PodScheduled(late.Single())!;
        Assert.Equal("Unschedulable", (string?)scheduled["reason"]);
        Assert.Equal("0/2 nodes are available: PodNetworks referred in the pod must be enabled.", (string?)scheduled["message"]);
    }

    private static JsonNode? PodScheduled(JsonObject pod) =>
        pod["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "PodScheduled");
}
