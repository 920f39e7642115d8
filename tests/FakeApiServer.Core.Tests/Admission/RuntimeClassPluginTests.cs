using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The RuntimeClass admission plugin through the API: overhead and scheduling from the class, and its refusals.</summary>
public sealed class RuntimeClassPluginTests
{
    [Fact]
    public async Task A_pod_gets_its_classs_overhead_node_selector_and_tolerations()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.NodeV1.CreateRuntimeClassAsync(Class(), cancellationToken: ct);
        var pod = RuntimePod("sandboxed", "gvisor");
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };
        pod.Spec.Tolerations = [new V1Toleration { Key = "sandbox", OperatorProperty = "Exists" }];

        var created = await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);
        var plain = await cluster.Client.CoreV1.CreateNamespacedPodAsync(RuntimePod("plain", null), "default", cancellationToken: ct);

        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "250m", ["memory"] = "120Mi" },
            created.Spec.Overhead.ToDictionary(p => p.Key, p => p.Value.ToString()));
        Assert.Equal(new Dictionary<string, string> { ["disk"] = "ssd", ["sandbox"] = "gvisor" }, created.Spec.NodeSelector);
        Assert.Equal(["sandbox:Exists:", "node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute", "gpu:Equal:NoSchedule"],
            created.Spec.Tolerations.Select(t => $"{t.Key}:{t.OperatorProperty}:{t.Effect}"));
        Assert.Null(plain.Spec.Overhead);
    }

    [Fact]
    public async Task A_missing_class_a_different_overhead_or_a_conflicting_node_selector_is_forbidden()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.NodeV1.CreateRuntimeClassAsync(Class(), cancellationToken: ct);
        var overhead = RuntimePod("overhead", "gvisor");
        overhead.Spec.Overhead = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") };
        var sameOverhead = RuntimePod("same", "gvisor");
        sameOverhead.Spec.Overhead = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("0.25"), ["memory"] = new("120Mi") };
        var noClass = RuntimePod("no-class", null);
        noClass.Spec.Overhead = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") };
        var selector = RuntimePod("selector", "gvisor");
        selector.Spec.NodeSelector = new Dictionary<string, string> { ["sandbox"] = "kata" };

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodAsync(RuntimePod("missing", "kata"), "default", cancellationToken: ct));
        var different = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(overhead, "default", cancellationToken: ct));
        var unclassed = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(noClass, "default", cancellationToken: ct));
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(selector, "default", cancellationToken: ct));
        var same = await cluster.Client.CoreV1.CreateNamespacedPodAsync(sameOverhead, "default", cancellationToken: ct);

        missing.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"missing\" is forbidden: pod rejected: RuntimeClass \"kata\" not found");
        different.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"overhead\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        unclassed.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"no-class\" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
        conflict.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"selector\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[sandbox] = gvisor; pod.spec.nodeSelector[sandbox] = kata");
        Assert.Equal("gvisor", same.Spec.RuntimeClassName);
    }

    private static V1RuntimeClass Class() => new()
    {
        Metadata = new V1ObjectMeta { Name = "gvisor" },
        Handler = "runsc",
        Overhead = new V1Overhead { PodFixed = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("120Mi") } },
        Scheduling = new V1Scheduling
        {
            NodeSelector = new Dictionary<string, string> { ["sandbox"] = "gvisor" },
            Tolerations = [new V1Toleration { Key = "gpu", OperatorProperty = "Equal", Value = "yes", Effect = "NoSchedule" }, new V1Toleration { Key = "sandbox", OperatorProperty = "Exists" }],
        },
    };

    private static V1Pod RuntimePod(string name, string? runtimeClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { RuntimeClassName = runtimeClass, Containers = [new V1Container { Name = "app", Image = "nginx" }] },
    };
}
