using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl against the system PriorityClasses: they are there at start and a delete of one is refused as upstream.</summary>
public sealed class PriorityClassTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deleting_a_system_priority_class_is_forbidden_and_a_user_class_goes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "priorityclass", "batch-low", "--value=100")).Succeeded();

        var node = await kubectl.RunAsync("delete", "priorityclass", "system-node-critical");
        var clusterCritical = await kubectl.RunAsync("delete", "pc", "system-cluster-critical");
        var user = (await kubectl.RunAsync("delete", "pc", "batch-low")).Succeeded();
        var left = (await kubectl.RunAsync("get", "pc", "-o", "name")).Succeeded();

        node.FailedWith("Error from server (Forbidden): priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class and cannot be deleted");
        clusterCritical.FailedWith("Error from server (Forbidden): priorityclasses.scheduling.k8s.io \"system-cluster-critical\" is forbidden: this is a system priority class and cannot be deleted");
        Assert.Equal(["priorityclass.scheduling.k8s.io \"batch-low\" deleted"], user.Lines);
        Assert.Equal(["priorityclass.scheduling.k8s.io/system-cluster-critical", "priorityclass.scheduling.k8s.io/system-node-critical"], left.Lines);
    }
}
