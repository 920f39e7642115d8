using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Apis.Core.Nodes;

public sealed class NodeStrategyTests
{
    [Fact]
    public async Task A_node_keeps_the_status_it_is_created_with_and_main_updates_keep_the_stored_status()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "kind-worker" },
            Status = new V1NodeStatus
            {
                NodeInfo = new V1NodeSystemInfo { KubeletVersion = "v1.33.0", OsImage = "Debian", KernelVersion = "6.1", ContainerRuntimeVersion = "containerd://1.7", Architecture = "amd64", OperatingSystem = "linux", BootID = "b", MachineID = "m", SystemUUID = "s", KubeProxyVersion = "" },
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "172.18.0.2" }],
            },
        };

        var created = await cluster.Client.CoreV1.CreateNodeAsync(node, cancellationToken: cts.Token);
        created.Status = new V1NodeStatus();
        created.Metadata.Labels = new Dictionary<string, string> { ["role"] = "worker" };
        var updated = await cluster.Client.CoreV1.ReplaceNodeAsync(created, "kind-worker", cancellationToken: cts.Token);

        Assert.Equal("v1.33.0", updated.Status.NodeInfo.KubeletVersion);
        Assert.Equal("172.18.0.2", updated.Status.Addresses.Single().Address);
        Assert.Equal("worker", updated.Metadata.Labels["role"]);
    }
}
