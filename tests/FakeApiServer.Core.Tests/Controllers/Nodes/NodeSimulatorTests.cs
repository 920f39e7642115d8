using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.Nodes;

public sealed class NodeSimulatorTests
{
    [Fact]
    public async Task Nodes_are_registered_as_kind_names_them_with_conditions_capacity_and_dual_stack_pod_CIDRs()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 3, controllers: "node-simulator,serviceaccount");

        var controlPlane = await cluster.WaitForAsync("/api/v1/nodes/" + ControlPlane, _ => true, ct);
        var worker = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, _ => true, ct);
        var worker2 = await cluster.WaitForAsync("/api/v1/nodes/fakeapiserver-worker2", _ => true, ct);

        Assert.Equal("", (string?)controlPlane["metadata"]!["labels"]!["node-role.kubernetes.io/control-plane"]);
        Assert.Equal("""[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]""", controlPlane["spec"]!["taints"]!.ToJsonString());
        Assert.Null(worker["spec"]!["taints"]);
        Assert.Equal("10.244.0.0/24", (string?)controlPlane["spec"]!["podCIDR"]);
        Assert.Equal("""["10.244.0.0/24","fd00:10:244::/64"]""", controlPlane["spec"]!["podCIDRs"]!.ToJsonString());
        Assert.Equal("""["10.244.2.0/24","fd00:10:244:2::/64"]""", worker2["spec"]!["podCIDRs"]!.ToJsonString());
        Assert.Equal("""[{"type":"InternalIP","address":"172.18.0.3"},{"type":"Hostname","address":"fakeapiserver-worker"}]""",
            worker["status"]!["addresses"]!.ToJsonString());
        var conditions = (worker["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().ToDictionary(c => (string)c["type"]!, c => (string?)c["status"]);
        Assert.Equal(new Dictionary<string, string?> { ["MemoryPressure"] = "False", ["DiskPressure"] = "False", ["PIDPressure"] = "False", ["Ready"] = "True" }, conditions);
        foreach (var resource in new[] { "cpu", "memory", "pods", "ephemeral-storage" })
        {
            Assert.NotNull(worker["status"]!["capacity"]![resource]);
            Assert.NotNull(worker["status"]!["allocatable"]![resource]);
        }

        Assert.Equal("linux", (string?)worker["status"]!["nodeInfo"]!["operatingSystem"]);
        Assert.StartsWith("containerd://", (string?)worker["status"]!["nodeInfo"]!["containerRuntimeVersion"], StringComparison.Ordinal);
        var lease = await cluster.WaitForAsync("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + Worker, _ => true, ct);
        Assert.Equal(Worker, (string?)lease["spec"]!["holderIdentity"]);
        Assert.Equal(40, (int)lease["spec"]!["leaseDurationSeconds"]!);
        Assert.Equal((string?)worker["metadata"]!["uid"], (string?)lease["metadata"]!["ownerReferences"]![0]!["uid"]);
    }

    [Fact]
    public async Task A_single_node_is_an_untainted_control_plane()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, nodes: 1, controllers: "node-simulator,serviceaccount");

        var node = await cluster.WaitForAsync("/api/v1/nodes/" + ControlPlane, _ => true, ct);

        Assert.Null(node["spec"]!["taints"]);
        Assert.Null(await cluster.GetAsync("/api/v1/nodes/" + Worker, ct));
    }

    [Fact]
    public async Task A_restart_on_the_same_data_keeps_the_nodes_and_what_users_changed_on_them()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var dir = Directory.CreateTempSubdirectory("fakeapiserver-nodes-");
        try
        {
            var options = new FakeClusterOptions { DataDir = dir.FullName, Controllers = ControllerSelection.Parse("node-simulator,serviceaccount") };
            string? uid;
            await using (var first = await FakeCluster.StartAsync(options, ct))
            {
                var node = await first.WaitForAsync("/api/v1/nodes/" + Worker, _ => true, ct);
                uid = (string?)node["metadata"]!["uid"];
                await first.PatchAsync("/api/v1/nodes/" + Worker, """{"metadata":{"labels":{"team":"blue"}}}""", ct);
            }

            await using var second = await FakeCluster.StartAsync(options, ct);
            await Task.Delay(200, ct);
            var again = await second.WaitForAsync("/api/v1/nodes/" + Worker, _ => true, ct);
            Assert.Equal(uid, (string?)again["metadata"]!["uid"]);
            Assert.Equal("blue", (string?)again["metadata"]!["labels"]!["team"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_deleted_node_is_registered_again_by_its_kubelet()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse("node-simulator,serviceaccount"), TimeProvider = time }, ct);
        var node = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, _ => true, ct);

        await cluster.DeleteAsync("/api/v1/nodes/" + Worker, ct);
        await cluster.WaitForGoneAsync("/api/v1/nodes/" + Worker, ct);
        time.Advance(TimeSpan.FromSeconds(11));

        var again = await cluster.WaitForAsync("/api/v1/nodes/" + Worker, _ => true, ct);
        Assert.NotEqual((string?)node["metadata"]!["uid"], (string?)again["metadata"]!["uid"]);
    }
}
