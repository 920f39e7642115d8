using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>pods/eviction, as kube-apiserver's EvictionREST: PodDisruptionBudgets are checked and spent, then the pod is deleted.</summary>
public sealed class PodEvictionTests
{
    private const string Violation = "Cannot evict pod as it would violate the pod's disruption budget.";
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    [Fact]
    public async Task Evicting_a_running_pod_without_a_budget_deletes_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);

        await cluster.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("web-1"), "web-1", "default", cancellationToken: ct);

        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct);
        Assert.Empty(pods.Items);
    }

    [Fact]
    public async Task A_budget_with_a_disruption_to_spare_is_spent_and_the_next_eviction_is_refused()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        await RunningPodAsync(cluster, "web-2", ct);
        await BudgetAsync(cluster, "web", """{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":2,"desiredHealthy":1,"expectedPods":2}""", ct);
        using var http = cluster.Http();

        var first = await http.PostAsync("/api/v1/namespaces/default/pods/web-1/eviction",
            Json("""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-1"}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var success = await first.ReadObjectAsync(ct);
        Assert.Equal("Success", (string?)success["status"]);
        Assert.Equal("Status", (string?)success["kind"]);
        var budget = await cluster.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", "default", cancellationToken: ct);
        Assert.Equal(0, budget.Status.DisruptionsAllowed);
        Assert.Equal(["web-1"], budget.Status.DisruptedPods.Keys);
        var condition = Assert.Single(budget.Status.Conditions);
        Assert.Equal(("DisruptionAllowed", "False", "InsufficientPods"), (condition.Type, condition.Status, condition.Reason));
        await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct));

        var second = await http.PostAsync("/api/v1/namespaces/default/pods/web-2/eviction",
            Json("""{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"web-2"}}"""), ct);

        var status = await second.AssertStatusAsync(HttpStatusCode.TooManyRequests, "TooManyRequests", Violation, ct);
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray())!;
        Assert.Equal("DisruptionBudget", (string?)cause["reason"]);
        Assert.Equal("The disruption budget web needs 1 healthy pods and has 2 currently", (string?)cause["message"]);
        Assert.NotNull(await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-2", "default", cancellationToken: ct));
    }

    [Fact]
    public async Task A_budget_no_controller_has_processed_blocks_the_eviction()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        await BudgetAsync(cluster, "web", status: null, ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("web-1"), "web-1", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.TooManyRequests, "TooManyRequests", Violation);
        Assert.Equal("The disruption budget web is still being processed by the server.", (string?)status["details"]!["causes"]![0]!["message"]);
        Assert.NotNull(await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct));
    }

    [Fact]
    public async Task A_pending_pod_is_evicted_without_the_budget_check()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var pod = Pod("web-1");
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);
        await BudgetAsync(cluster, "web", """{"observedGeneration":1,"disruptionsAllowed":0}""", ct);

        await cluster.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("web-1"), "web-1", "default", cancellationToken: ct);

        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items);
    }

    [Fact]
    public async Task A_pod_with_two_budgets_gets_upstreams_failure_status_in_a_201()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        await BudgetAsync(cluster, "web", """{"observedGeneration":1,"disruptionsAllowed":1}""", ct);
        await BudgetAsync(cluster, "web-too", """{"observedGeneration":1,"disruptionsAllowed":1}""", ct);
        using var http = cluster.Http();

        var response = await http.PostAsync("/api/v1/namespaces/default/pods/web-1/eviction", Json("""{"metadata":{"name":"web-1"}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var status = await response.ReadObjectAsync(ct);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal(500, (int?)status["code"]);
        Assert.Null(status["reason"]);
        Assert.Equal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", (string?)status["message"]);
        Assert.NotNull(await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct));
    }

    [Fact]
    public async Task The_name_in_the_body_must_be_the_pods()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        using var http = cluster.Http();

        var response = await http.PostAsync("/api/v1/namespaces/default/pods/web-1/eviction", Json("""{"metadata":{"name":"web-2"}}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "name in URL does not match name in Eviction object", ct);
    }

    [Fact]
    public async Task Delete_options_in_the_eviction_are_honoured()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        await BudgetAsync(cluster, "web", """{"observedGeneration":1,"disruptionsAllowed":1}""", ct);
        using var http = cluster.Http();

        var dryRun = await http.PostAsync("/api/v1/namespaces/default/pods/web-1/eviction",
            Json("""{"metadata":{"name":"web-1"},"deleteOptions":{"dryRun":["All"]}}"""), ct);
        var wrongUid = await http.PostAsync("/api/v1/namespaces/default/pods/web-1/eviction",
            Json("""{"metadata":{"name":"web-1"},"deleteOptions":{"preconditions":{"uid":"not-the-pods"}}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, dryRun.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrongUid.StatusCode);
        Assert.NotNull(await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct));
        var budget = await cluster.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", "default", cancellationToken: ct);
        Assert.Equal(0, budget.Status.DisruptionsAllowed); // the uid precondition fails after the budget is spent, as upstream
        Assert.Equal(["web-1"], budget.Status.DisruptedPods.Keys);
    }

    [Fact]
    public async Task The_evicted_pod_is_marked_as_a_disruption_target()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var pod = Pod("web-1");
        pod.Metadata.Finalizers = ["example.com/keep"];
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);

        await cluster.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("web-1"), "web-1", "default", cancellationToken: ct);

        var kept = await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct);
        Assert.NotNull(kept.Metadata.DeletionTimestamp);
        var condition = Assert.Single(kept.Status.Conditions, c => c.Type == "DisruptionTarget");
        Assert.Equal(("True", "EvictionByEvictionAPI", "Eviction API: evicting"), (condition.Status, condition.Reason, condition.Message));
    }

    [Fact]
    public async Task A_protobuf_eviction_gets_a_protobuf_status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await RunningPodAsync(cluster, "web-1", ct);
        using var http = cluster.Http();
        var body = new ByteArrayContent(Codec.Encode("policy/v1", "Eviction", Encoding.UTF8.GetBytes("""{"metadata":{"name":"web-1"}}""")));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods/web-1/eviction") { Content = body };
        request.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf");

        var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/vnd.kubernetes.protobuf", response.Content.Headers.ContentType?.MediaType);
        var status = Codec.Decode(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal("Success", (string?)status["status"]);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items);
    }

    private static V1Eviction Eviction(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };

    /// <summary>A pod labelled app=web, Running and Ready, as a kubelet would report it.</summary>
    private static async Task RunningPodAsync(FakeCluster cluster, string name, CancellationToken ct)
    {
        var pod = Pod(name);
        pod.Metadata.Labels = new Dictionary<string, string> { ["app"] = "web" };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);
        await cluster.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(
            """{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), name, "default", cancellationToken: ct);
    }

    /// <summary>A budget selecting app=web, with the status a disruption controller would have written (null: none).</summary>
    private static async Task BudgetAsync(FakeCluster cluster, string name, string? status, CancellationToken ct)
    {
        await cluster.Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodDisruptionBudgetSpec
            {
                MinAvailable = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            },
        }, "default", cancellationToken: ct);
        if (status is not null)
        {
            await cluster.Client.PolicyV1.PatchNamespacedPodDisruptionBudgetStatusAsync(
                new V1Patch($$"""{"status":{{status}}}""", V1Patch.PatchType.MergePatch), name, "default", cancellationToken: ct);
        }
    }
}
