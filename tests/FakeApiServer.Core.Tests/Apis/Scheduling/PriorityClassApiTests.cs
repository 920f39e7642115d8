using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Scheduling;

/// <summary>scheduling.k8s.io/v1 PriorityClasses: the built-in system classes, reserved names, and a value that never changes.</summary>
public sealed class PriorityClassApiTests
{
    [Fact]
    public async Task A_new_cluster_has_the_two_system_priority_classes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var classes = await cluster.Client.SchedulingV1.ListPriorityClassAsync(cancellationToken: cts.Token);

        Assert.Equal([("system-cluster-critical", 2000000000), ("system-node-critical", 2000001000)], classes.Items.Select(c => (c.Metadata.Name, c.Value)));
        Assert.All(classes.Items, c => Assert.Equal("PreemptLowerPriority", c.PreemptionPolicy));
    }

    [Fact]
    public async Task System_names_are_reserved_and_the_value_cannot_change()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var high = await cluster.Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 }, cancellationToken: ct);

        var reserved = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.SchedulingV1.CreatePriorityClassAsync(
            new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "system-mine" }, Value = 1 }, cancellationToken: ct));
        high.Value = 2000;
        var changed = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.SchedulingV1.ReplacePriorityClassAsync(high, "high", cancellationToken: ct));

        reserved.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
        changed.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "PriorityClass.scheduling.k8s.io \"high\" is invalid: value: Forbidden: may not be changed in an update.");
    }
}
