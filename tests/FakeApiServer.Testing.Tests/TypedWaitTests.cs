using k8s;
using k8s.Models;

namespace FakeApiServer.Testing.Tests;

public sealed class TypedWaitTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_typed_wait_wakes_on_the_change_that_meets_its_condition()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var recording = cluster.StartRecording();
        var wait = cluster.WaitForAsync<V1ConfigMap>("settings", c => c.Data?["color"] == "green", ct);

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("blue"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(Map("green"), "settings", "default", cancellationToken: ct);

        Assert.Equal("green", (await wait).Data["color"]);
        // One read, then a watch: no polling.
        Assert.Single(recording.For("get", "configmaps", "settings"));
    }

    [Fact]
    public async Task A_typed_wait_that_times_out_names_the_last_state()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("blue"), "default", cancellationToken: ct);

        // Long enough for the read before the watch on a loaded machine: the state it names is the one read.
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            cluster.WaitForAsync<V1ConfigMap>("default", "settings", c => c.Data["color"] == "red", TimeSpan.FromSeconds(3), ct));

        Assert.Contains("ConfigMap default/settings (v1) did not meet the condition", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("\"color\":\"blue\"", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waits_for_a_condition_and_for_deletion()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } }, cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespaceAsync("team", cancellationToken: ct);

        await cluster.WaitForDeletionAsync<V1Namespace>("team", ct);
        await cluster.WaitForDeletionAsync<V1ConfigMap>("never-existed", ct);

        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "n1" },
            Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }] },
        };
        await cluster.Client.CoreV1.CreateNodeAsync(node, cancellationToken: ct);
        await cluster.Client.CoreV1.ReplaceNodeStatusAsync(node, "n1", cancellationToken: ct);
        Assert.Equal("n1", (await cluster.WaitForConditionAsync<V1Node>("n1", "Ready", ct)).Metadata.Name);
    }

    private static V1ConfigMap Map(string color) => new()
    {
        Metadata = new V1ObjectMeta { Name = "settings" },
        Data = new Dictionary<string, string> { ["color"] = color },
    };
}
