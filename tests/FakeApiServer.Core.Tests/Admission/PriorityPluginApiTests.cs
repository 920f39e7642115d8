using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The Priority admission plugin through the API: class resolution, the globalDefault class, and its refusals.</summary>
public sealed class PriorityPluginApiTests
{
    [Fact]
    public async Task A_pod_gets_the_value_and_preemption_policy_of_its_class()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("batch", 1000, preemptionPolicy: "Never"), cancellationToken: ct);

        var batch = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("worker", "batch"), "default", cancellationToken: ct);
        var critical = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("agent", "system-node-critical"), "default", cancellationToken: ct);
        var plain = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("plain", null), "default", cancellationToken: ct);

        Assert.Equal(("batch", 1000, "Never"), (batch.Spec.PriorityClassName, batch.Spec.Priority, batch.Spec.PreemptionPolicy));
        Assert.Equal(("system-node-critical", 2000001000, "PreemptLowerPriority"), (critical.Spec.PriorityClassName, critical.Spec.Priority, critical.Spec.PreemptionPolicy));
        Assert.Equal((null, 0, "PreemptLowerPriority"), (plain.Spec.PriorityClassName, plain.Spec.Priority, plain.Spec.PreemptionPolicy));
    }

    [Fact]
    public async Task A_pod_without_a_class_gets_the_global_default_class_and_only_one_class_may_be_default()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var low = await cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("low", 10, globalDefault: true), cancellationToken: ct);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", null), "default", cancellationToken: ct);
        var second = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("other", 20, globalDefault: true), cancellationToken: ct));
        var other = await cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("other", 20), cancellationToken: ct);
        other.GlobalDefault = true;
        var marked = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.SchedulingV1.ReplacePriorityClassAsync(other, "other", cancellationToken: ct));
        low.Description = "the default";
        await cluster.Client.SchedulingV1.ReplacePriorityClassAsync(low, "low", cancellationToken: ct);

        Assert.Equal(("low", 10, "PreemptLowerPriority"), (pod.Spec.PriorityClassName, pod.Spec.Priority, pod.Spec.PreemptionPolicy));
        second.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass low is already marked as default. Only one default can exist");
        marked.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass low is already marked as default. Only one default can exist");
    }

    [Fact]
    public async Task An_unknown_class_or_a_priority_other_than_the_class_value_is_forbidden()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("batch", 1000), cancellationToken: ct);
        var withPriority = Pod("given", "batch");
        withPriority.Spec.Priority = 5;
        var withPolicy = Pod("policy", "batch");
        withPolicy.Spec.PreemptionPolicy = "Never";

        var unknown = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", "missing"), "default", cancellationToken: ct));
        var priority = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(withPriority, "default", cancellationToken: ct));
        var policy = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(withPolicy, "default", cancellationToken: ct));

        unknown.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"web\" is forbidden: no PriorityClass with name missing was found");
        priority.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"given\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name");
        policy.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"policy\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name");
    }

    [Fact]
    public async Task A_replace_without_priority_keeps_the_stored_priority()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("batch", 1000, preemptionPolicy: "Never"), cancellationToken: ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("worker", "batch"), "default", cancellationToken: ct);

        created.Spec.Priority = null;
        created.Spec.PreemptionPolicy = null;
        created.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "batch" };
        var replaced = await cluster.Client.CoreV1.ReplaceNamespacedPodAsync(created, "worker", "default", cancellationToken: ct);

        Assert.Equal((1000, "Never", "batch"), (replaced.Spec.Priority, replaced.Spec.PreemptionPolicy, replaced.Metadata.Labels["tier"]));
    }

    [Fact]
    public async Task With_the_plugin_disabled_a_pod_has_no_priority()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { DisableAdmissionPlugins = ["Priority"] }, ct);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", "missing"), "default", cancellationToken: ct);

        Assert.Equal(("missing", null, null), (pod.Spec.PriorityClassName, pod.Spec.Priority, pod.Spec.PreemptionPolicy));
    }

    private static V1PriorityClass Class(string name, int value, bool globalDefault = false, string? preemptionPolicy = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Value = value,
        GlobalDefault = globalDefault,
        PreemptionPolicy = preemptionPolicy,
    };

    private static V1Pod Pod(string name, string? priorityClassName) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { PriorityClassName = priorityClassName, Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }] },
    };
}
