using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Tests.Controllers.Scheduling;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.Kubelet;

public sealed class KubeletTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task A_pod_runs_within_two_seconds_with_one_IP_per_family_from_its_nodes_pod_CIDRs()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);

        await cluster.CreateAsync(Pods, Pod("web", """{"containers":[{"name":"main","image":"nginx:1.27"},{"name":"side","image":"busybox"}]}"""), ct);
        var pod = await cluster.WaitForAsync(Pods + "/web", p => p.Phase() == "Running", ct);
        var second = await cluster.CreateAsync(Pods, Pod("web2"), ct);
        var other = await cluster.WaitForAsync(Pods + "/web2", p => p.Phase() == "Running", ct);

        var status = pod["status"]!;
        Assert.Equal(Worker, pod.NodeName());
        Assert.Equal("172.18.0.3", (string?)status["hostIP"]);
        Assert.Equal("""[{"ip":"172.18.0.3"}]""", status["hostIPs"]!.ToJsonString());
        var ips = (status["podIPs"] as JsonArray)!.Select(p => (string?)p!["ip"]).ToList();
        Assert.Equal(2, ips.Count);
        Assert.StartsWith("10.244.1.", ips[0], StringComparison.Ordinal);
        Assert.StartsWith("fd00:10:244:1::", ips[1], StringComparison.Ordinal);
        Assert.Equal(ips[0], (string?)status["podIP"]);
        Assert.DoesNotContain(ips[0], (other["status"]!["podIPs"] as JsonArray)!.Select(p => (string?)p!["ip"]));
        Assert.Equal("BestEffort", (string?)status["qosClass"]);
        Assert.NotNull((string?)status["startTime"]);
        foreach (var type in new[] { "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled" })
        {
            Assert.Equal("True", (string?)pod.Condition(type)?["status"]);
        }

        var main = (status["containerStatuses"] as JsonArray)!.OfType<JsonObject>().Single(c => (string?)c["name"] == "main");
        Assert.True((bool)main["ready"]!);
        Assert.True((bool)main["started"]!);
        Assert.Equal(0, (int)main["restartCount"]!);
        Assert.Equal("docker.io/library/nginx:1.27", (string?)main["image"]);
        Assert.StartsWith("docker.io/library/nginx@sha256:", (string?)main["imageID"], StringComparison.Ordinal);
        Assert.StartsWith("containerd://", (string?)main["containerID"], StringComparison.Ordinal);
        Assert.NotNull(main["state"]?["running"]?["startedAt"]);
        Assert.NotNull(second);
        Assert.Equal("Started", (string?)(await cluster.WaitForEventAsync("default", "web", "Started", ct))["reason"]);
    }

    [Fact]
    public async Task A_pod_passes_through_ContainerCreating_before_Running()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var response = await http.GetAsync(Pods + "?watch=true&fieldSelector=metadata.name%3Dstep", HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        await cluster.CreateAsync(Pods, Pod("step"), ct);

        var waiting = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var pod = JsonNode.Parse(line)!["object"]!.AsObject();
            var state = pod["status"]?["containerStatuses"]?[0]?["state"];
            if (state?["waiting"]?["reason"] is { } reason)
            {
                waiting.Add((string)reason!);
                Assert.Equal("Pending", pod.Phase());
            }

            if (pod.Phase() == "Running")
            {
                break;
            }
        }

        Assert.Equal(["ContainerCreating"], waiting);
    }

    [Fact]
    public async Task With_MultiNetwork_the_default_IPs_are_labelled_and_a_host_network_pod_gets_the_node_IP()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        await SchedulerTests.EnsureDefaultNetworkAsync(cluster, ct);

        await cluster.CreateAsync(Pods, Pod("labelled"), ct);
        await cluster.CreateAsync(Pods, Pod("host", """{"hostNetwork":true}"""), ct);

        var pod = await cluster.WaitForAsync(Pods + "/labelled", p => p.Phase() == "Running", ct);
        var host = await cluster.WaitForAsync(Pods + "/host", p => p.Phase() == "Running", ct);
        var entries = (pod["status"]!["podIPs"] as JsonArray)!.OfType<JsonObject>().ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("kubernetes", (string?)e["podNetwork"]));
        Assert.All(entries, e => Assert.Equal("eth0", (string?)e["interfaceName"]));
        Assert.Equal("""[{"ip":"172.18.0.3","podNetwork":""}]""", host["status"]!["podIPs"]!.ToJsonString());
        Assert.Equal("172.18.0.3", (string?)host["status"]!["podIP"]);
    }

    [Fact]
    public async Task A_pod_with_an_extra_network_stays_ContainerCreating_with_NetworkNotReady_until_its_provider_writes_the_IPs()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        await SchedulerTests.EnsureDefaultNetworkAsync(cluster, ct);
        var dataplane = SchedulerTests.Network("dataplane");
        dataplane["spec"]!["provider"] = "example.com/provider";
        await cluster.CreateAsync("/apis/networking.k8s.io/v1alpha1/podnetworks", dataplane, ct);

        await cluster.CreateAsync(Pods, Pod("multi", """{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}]}"""), ct);

        var warning = await cluster.WaitForEventAsync("default", "multi", "NetworkNotReady", ct);
        Assert.Equal("Warning", (string?)warning["type"]);
        Assert.Equal("All networks are not yet attached", (string?)warning["message"]);
        var waiting = await cluster.WaitForAsync(Pods + "/multi", p => p["status"]?["podIPs"] is JsonArray { Count: 2 }, ct);
        Assert.Equal("Pending", waiting.Phase());
        Assert.Equal("ContainerCreating", (string?)waiting["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]);

        // What a provider does: add its entry through pods/status, keeping the others.
        var podIps = (JsonArray)waiting["status"]!["podIPs"]!.DeepClone();
        podIps.Add(new JsonObject { ["ip"] = "169.254.100.7", ["podNetwork"] = "dataplane", ["interfaceName"] = "net1" });
        await cluster.PatchAsync(Pods + "/multi/status", new JsonObject { ["status"] = new JsonObject { ["podIPs"] = podIps } }.ToJsonString(), ct);

        var running = await cluster.WaitForAsync(Pods + "/multi", p => p.Phase() == "Running", ct);
        var entries = (running["status"]!["podIPs"] as JsonArray)!.OfType<JsonObject>().ToList();
        Assert.Equal(["kubernetes", "kubernetes", "dataplane"], entries.Select(e => (string?)e["podNetwork"]));
        Assert.Equal("169.254.100.7", (string?)entries[2]["ip"]);
    }

    [Theory]
    [InlineData("Always")]
    [InlineData("OnFailure")]
    public async Task A_failing_container_that_restarts_is_in_CrashLoopBackOff(string restartPolicy)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);

        await cluster.CreateAsync(Pods, Pod("crash", $$"""{"restartPolicy":"{{restartPolicy}}"}""", """{"fakeapiserver.io/fail-containers":"main"}"""), ct);

        var pod = await cluster.WaitForAsync(Pods + "/crash", p => p.Phase() == "Running", ct);
        var main = pod["status"]!["containerStatuses"]![0]!;
        Assert.Equal("CrashLoopBackOff", (string?)main["state"]!["waiting"]!["reason"]);
        Assert.StartsWith("back-off 10s restarting failed container=main pod=crash_default(", (string?)main["state"]!["waiting"]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)main["restartCount"]!);
        Assert.Equal(1, (int)main["lastState"]!["terminated"]!["exitCode"]!);
        Assert.Equal("Error", (string?)main["lastState"]!["terminated"]!["reason"]);
        Assert.False((bool)main["ready"]!);
        Assert.Equal("False", (string?)pod.Condition("Ready")?["status"]);
        Assert.Equal("containers with unready status: [main]", (string?)pod.Condition("Ready")?["message"]);
        Assert.Equal("Warning", (string?)(await cluster.WaitForEventAsync("default", "crash", "BackOff", ct))["type"]);
    }

    [Fact]
    public async Task A_failing_container_that_never_restarts_fails_the_pod_while_other_pods_run()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);

        await cluster.CreateAsync(Pods, Pod("once", """{"restartPolicy":"Never"}""", """{"fakeapiserver.io/fail-containers":"main"}"""), ct);
        await cluster.CreateAsync(Pods, Pod("half", """{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"},{"name":"ok","image":"busybox"}]}""",
            """{"fakeapiserver.io/fail-containers":"main"}"""), ct);

        var pod = await cluster.WaitForAsync(Pods + "/once", p => p.Phase() is "Failed" or "Running", ct);
        var half = await cluster.WaitForAsync(Pods + "/half", p => p.Phase() is "Failed" or "Running", ct);
        Assert.Equal("Failed", pod.Phase());
        var terminated = pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!;
        Assert.Equal(1, (int)terminated["exitCode"]!);
        Assert.Equal("Error", (string?)terminated["reason"]);
        Assert.Equal(0, (int)pod["status"]!["containerStatuses"]![0]!["restartCount"]!);
        Assert.Equal("Running", half.Phase());
        Assert.Equal("False", (string?)half.Condition("Ready")?["status"]);
    }

    [Fact]
    public async Task A_deleted_pod_is_terminated_and_removed_by_its_kubelet_and_its_IPs_are_released()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("doomed"), ct);
        await cluster.WaitForAsync(Pods + "/doomed", p => p.Phase() == "Running", ct);

        Assert.Equal(HttpStatusCode.OK, await cluster.DeleteAsync(Pods + "/doomed", ct));

        await cluster.WaitForGoneAsync(Pods + "/doomed", ct);
        Assert.Equal("Killing", (string?)(await cluster.WaitForEventAsync("default", "doomed", "Killing", ct))["reason"]);
    }

    [Fact]
    public async Task A_pod_whose_containers_ignore_SIGTERM_is_Terminating_for_its_grace_period()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.CreateAsync(Pods, Pod("slow", """{"terminationGracePeriodSeconds":2}""", """{"fakeapiserver.io/ignore-sigterm":"true"}"""), ct);
        await cluster.WaitForAsync(Pods + "/slow", p => p.Phase() == "Running", ct);
        var watch = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.OK, await cluster.DeleteAsync(Pods + "/slow", ct));

        var terminating = await cluster.WaitForAsync(Pods + "/slow",
            p => p["status"]?["containerStatuses"]?[0]?["state"]?["terminated"] is not null, ct);
        Assert.Equal(2, (int)terminating["metadata"]!["deletionGracePeriodSeconds"]!);
        Assert.NotNull(terminating["metadata"]!["deletionTimestamp"]);
        Assert.Equal("False", (string?)terminating.Condition("Ready")?["status"]);
        await cluster.WaitForGoneAsync(Pods + "/slow", ct);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), "gone after " + watch.Elapsed);
    }

    [Fact]
    public async Task A_pod_not_bound_to_a_node_is_deleted_at_once()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: "namespace,node-simulator,kubelet,serviceaccount");
        await cluster.CreateAsync(Pods, Pod("unbound"), ct);
        await cluster.CreateAsync(Pods, Pod("elsewhere", """{"nodeName":"some-other-node"}"""), ct);

        Assert.Equal(HttpStatusCode.OK, await cluster.DeleteAsync(Pods + "/unbound", ct));
        Assert.Equal(HttpStatusCode.OK, await cluster.DeleteAsync(Pods + "/elsewhere", ct));

        Assert.Null(await cluster.GetAsync(Pods + "/unbound", ct));
        Assert.Null(await cluster.GetAsync(Pods + "/elsewhere", ct));
    }
}
