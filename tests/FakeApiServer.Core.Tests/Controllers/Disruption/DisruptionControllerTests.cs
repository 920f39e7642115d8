using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.Disruption;

/// <summary>The "disruption" controller: PodDisruptionBudget status from the pods it selects, and evictions that follow it.</summary>
public sealed class DisruptionControllerTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private const string Budgets = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

    private static readonly FakeClusterOptions Options = new() { Controllers = ControllerSelection.Parse("namespace,disruption,serviceaccount") };

    [Fact]
    public async Task A_min_available_budget_counts_ready_pods_and_an_eviction_spends_the_allowed_disruption()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        await cluster.CreateAsync(Budgets, Budget("web", """{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}"""), ct);
        foreach (var name in new[] { "web-1", "web-2" })
        {
            await cluster.CreateAsync(Pods, Labelled(Pod(name), "web"), ct);
            await MarkReadyAsync(cluster, name, ct);
        }

        var budget = await cluster.WaitForAsync(Budgets + "/web", b => (long?)b["status"]?["currentHealthy"] == 2, ct);

        Assert.Equal(
            """{"currentHealthy":2,"desiredHealthy":1,"expectedPods":2,"disruptionsAllowed":1,"observedGeneration":1}""",
            Counts(budget));
        var condition = budget.Condition("DisruptionAllowed")!;
        Assert.Equal(("True", "SufficientPods", "", 1L), ((string?)condition["status"], (string?)condition["reason"], (string?)condition["message"], (long?)condition["observedGeneration"]));

        await cluster.CreateAsync(Pods + "/web-1/eviction", Eviction("web-1"), ct);
        // Until web-1 is gone the controller may count it as expected but disrupted; wait for the state after that.
        budget = await cluster.WaitForAsync(Budgets + "/web", b => (long?)b["status"]?["expectedPods"] == 1, ct);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var refused = await http.PostAsync(Pods + "/web-2/eviction", new StringContent(Eviction("web-2").ToJsonString(), Encoding.UTF8, "application/json"), ct);

        // An unscheduled pod is deleted at once, so one pod is left to expect; its disruptedPods entry goes with it.
        Assert.Equal(
            """{"currentHealthy":1,"desiredHealthy":1,"expectedPods":1,"disruptionsAllowed":0,"observedGeneration":1}""",
            Counts(budget));
        Assert.Equal(("False", "InsufficientPods"), ((string?)budget.Condition("DisruptionAllowed")!["status"], (string?)budget.Condition("DisruptionAllowed")!["reason"]));
        Assert.Null(budget["status"]!["disruptedPods"]);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget.", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_max_unavailable_budget_takes_the_expected_count_from_the_pods_controller()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        var replicaSet = await cluster.CreateAsync("/apis/apps/v1/namespaces/default/replicasets", JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"busybox:1.36"}]}}}}
            """)!.AsObject(), ct);
        foreach (var name in new[] { "web-1", "web-2" })
        {
            var pod = Labelled(Pod(name), "web");
            pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "web", ["uid"] = replicaSet["metadata"]!["uid"]!.DeepClone(), ["controller"] = true,
            });
            await cluster.CreateAsync(Pods, pod, ct);
            await MarkReadyAsync(cluster, name, ct);
        }

        await cluster.CreateAsync(Budgets, Budget("web", """{"maxUnavailable":"50%","selector":{"matchLabels":{"app":"web"}}}"""), ct);
        var budget = await cluster.WaitForAsync(Budgets + "/web", b => (long?)b["status"]?["currentHealthy"] == 2, ct);

        // 3 expected (the ReplicaSet's replicas), 50% of 3 rounded up may be unavailable: 1 must stay healthy.
        Assert.Equal(
            """{"currentHealthy":2,"desiredHealthy":1,"expectedPods":3,"disruptionsAllowed":1,"observedGeneration":1}""",
            Counts(budget));
    }

    [Fact]
    public async Task A_pod_whose_controller_is_unknown_fails_safe_with_SyncFailed()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        var pod = Labelled(Pod("lost"), "web");
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "missing", ["uid"] = "0b5e6a51-4d6c-4a4e-9d0e-3c3b1b1b1b1b", ["controller"] = true,
        });
        await cluster.CreateAsync(Pods, pod, ct);
        await MarkReadyAsync(cluster, "lost", ct);

        await cluster.CreateAsync(Budgets, Budget("web", """{"maxUnavailable":1,"selector":{"matchLabels":{"app":"web"}}}"""), ct);
        var budget = await cluster.WaitForAsync(Budgets + "/web", b => b.Condition("DisruptionAllowed") is not null, ct);
        var failed = await cluster.WaitForEventAsync("default", "web", "CalculateExpectedPodCountFailed", ct);

        var condition = budget.Condition("DisruptionAllowed")!;
        Assert.Equal(("False", "SyncFailed", "found no controllers for pod \"lost\""),
            ((string?)condition["status"], (string?)condition["reason"], (string?)condition["message"]));
        Assert.Equal(0, (long?)budget["status"]!["disruptionsAllowed"]);
        Assert.Equal("Failed to calculate the number of expected pods: found no controllers for pod \"lost\"", (string?)failed["message"]);
    }

    [Fact]
    public async Task A_budget_without_pods_allows_nothing_and_says_so_in_an_event()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);

        await cluster.CreateAsync(Budgets, Budget("none", """{"minAvailable":"100%","selector":{"matchLabels":{"app":"none"}}}"""), ct);
        var budget = await cluster.WaitForAsync(Budgets + "/none", b => (long?)b["status"]?["observedGeneration"] == 1, ct);
        var noPods = await cluster.WaitForEventAsync("default", "none", "NoPods", ct);

        Assert.Equal(
            """{"currentHealthy":0,"desiredHealthy":0,"expectedPods":0,"disruptionsAllowed":0,"observedGeneration":1}""",
            Counts(budget));
        Assert.Equal(("Normal", "No matching pods found"), ((string?)noPods["type"], (string?)noPods["message"]));
        Assert.Equal("InsufficientPods", (string?)budget.Condition("DisruptionAllowed")!["reason"]);
    }

    private static JsonObject Budget(string name, string spec) => new()
    {
        ["apiVersion"] = "policy/v1",
        ["kind"] = "PodDisruptionBudget",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = JsonNode.Parse(spec),
    };

    private static JsonObject Labelled(JsonObject pod, string app)
    {
        pod["metadata"]!["labels"] = new JsonObject { ["app"] = app };
        return pod;
    }

    private static JsonObject Eviction(string name) => new()
    {
        ["apiVersion"] = "policy/v1",
        ["kind"] = "Eviction",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
    };

    /// <summary>What a kubelet would write for a running, ready pod.</summary>
    private static Task<JsonObject> MarkReadyAsync(FakeCluster cluster, string name, CancellationToken cancellationToken) =>
        cluster.PatchAsync(Pods + "/" + name + "/status",
            """{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""", cancellationToken);

    private static string Counts(JsonObject budget)
    {
        var status = budget["status"]!;
        return new JsonObject
        {
            ["currentHealthy"] = status["currentHealthy"]?.DeepClone(),
            ["desiredHealthy"] = status["desiredHealthy"]?.DeepClone(),
            ["expectedPods"] = status["expectedPods"]?.DeepClone(),
            ["disruptionsAllowed"] = status["disruptionsAllowed"]?.DeepClone(),
            ["observedGeneration"] = status["observedGeneration"]?.DeepClone(),
        }.ToJsonString();
    }
}
