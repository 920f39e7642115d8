using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Apis.ApiExtensions;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Registry;

/// <summary>
/// metadata.generation as kube-apiserver 1.33 keeps it: only kinds whose strategy sets it (workloads, pods, custom
/// resources, ...) have one; an update keeps the stored value unless the kind's desired state changed; the first
/// deletion mark bumps it only when it is already above 0.
/// </summary>
public sealed class GenerationTests
{
    [Fact]
    public async Task ConfigMap_has_no_generation_after_create_update_every_patch_type_and_apply()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var core = cluster.Client.CoreV1;

        var created = await core.CreateNamespacedConfigMapAsync(ConfigMap("plain"), "default", cancellationToken: ct);
        Assert.Null(created.Metadata.Generation);

        created.Data["a"] = "2";
        var updated = await core.ReplaceNamespacedConfigMapAsync(created, "plain", "default", cancellationToken: ct);
        Assert.Equal("2", updated.Data["a"]);
        Assert.Null(updated.Metadata.Generation);

        var merged = await core.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"a":"3"}}""", V1Patch.PatchType.MergePatch), "plain", "default", cancellationToken: ct);
        var strategic = await core.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"a":"4"}}""", V1Patch.PatchType.StrategicMergePatch), "plain", "default", cancellationToken: ct);
        var json = await core.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"replace","path":"/data/a","value":"5"}]""", V1Patch.PatchType.JsonPatch), "plain", "default", cancellationToken: ct);
        var applied = await core.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"},"data":{"a":"6"}}""", V1Patch.PatchType.ApplyPatch),
            "plain", "default", fieldManager: "tester", force: true, cancellationToken: ct);

        Assert.Equal(["3", "4", "5", "6"], new[] { merged, strategic, json, applied }.Select(c => c.Data["a"]));
        Assert.All(new[] { merged, strategic, json, applied }, c => Assert.Null(c.Metadata.Generation));
        var read = await core.ReadNamespacedConfigMapAsync("plain", "default", cancellationToken: ct);
        Assert.Null(read.Metadata.Generation);
    }

    [Fact]
    public async Task ConfigMap_created_by_apply_has_no_generation()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var applied = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1"}}""", V1Patch.PatchType.ApplyPatch),
            "applied", "default", fieldManager: "tester", cancellationToken: ct);

        Assert.Equal("1", applied.Data["a"]);
        Assert.Null(applied.Metadata.Generation);
    }

    [Fact]
    public async Task Untracked_kind_keeps_the_generation_its_creator_sent_and_an_update_cannot_change_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var map = ConfigMap("sent");
        map.Metadata.Generation = 5;

        // Upstream's BeforeCreate leaves generation to the strategy, and ConfigMap's sets none: the sent value is stored.
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default", cancellationToken: ct);
        Assert.Equal(5, created.Metadata.Generation);

        created.Metadata.Generation = 9;
        created.Data["a"] = "2";
        var updated = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "sent", "default", cancellationToken: ct);
        Assert.Equal(5, updated.Metadata.Generation);
        Assert.Equal("2", updated.Data["a"]);
    }

    [Fact]
    public async Task Deployment_starts_at_1_bumps_on_a_template_or_annotation_change_and_ignores_labels_and_sent_values()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var apps = cluster.Client.AppsV1;
        var deployment = Deployment("web");
        deployment.Metadata.Generation = 40;

        var created = await apps.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: ct);
        Assert.Equal(1, created.Metadata.Generation);

        var relabelled = await apps.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"front"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        Assert.Equal("front", relabelled.Metadata.Labels["tier"]);
        Assert.Equal(1, relabelled.Metadata.Generation);

        var templated = await apps.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);
        Assert.Equal("nginx:1.28", templated.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(2, templated.Metadata.Generation);

        // Upstream's deployment strategy counts annotations too (they are copied to the ReplicaSets).
        var annotated = await apps.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"annotations":{"note":"x"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        Assert.Equal(3, annotated.Metadata.Generation);

        annotated.Metadata.Generation = 40;
        annotated.Metadata.Labels["tier"] = "back";
        var sent = await apps.ReplaceNamespacedDeploymentAsync(annotated, "web", "default", cancellationToken: ct);
        Assert.Equal("back", sent.Metadata.Labels["tier"]);
        Assert.Equal(3, sent.Metadata.Generation);
    }

    [Fact]
    public async Task Custom_resource_bumps_on_a_spec_change_but_not_on_metadata_or_status_subresource_writes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync("apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        const string Widget = "apis/example.com/v1/namespaces/default/widgets/one";
        var widget = CrdFixtures.Widget("one");
        widget["metadata"]!["generation"] = 7;

        var created = await (await http.PostAsync("apis/example.com/v1/namespaces/default/widgets", Json(widget.ToJsonString()), ct)).ReadObjectAsync(ct);
        Assert.Equal(1, (long?)created["metadata"]!["generation"]);

        var labelled = await PatchAsync(http, Widget, """{"metadata":{"labels":{"a":"b"}}}""", ct);
        Assert.Equal("b", (string?)labelled["metadata"]!["labels"]!["a"]);
        Assert.Equal(1, (long?)labelled["metadata"]!["generation"]);

        var status = await PatchAsync(http, Widget + "/status", """{"status":{"phase":"Ready"}}""", ct);
        Assert.Equal("Ready", (string?)status["status"]!["phase"]);
        Assert.Equal(1, (long?)status["metadata"]!["generation"]);

        var changed = await PatchAsync(http, Widget, """{"spec":{"color":"blue"}}""", ct);
        Assert.Equal("blue", (string?)changed["spec"]!["color"]);
        Assert.Equal(2, (long?)changed["metadata"]!["generation"]);
    }

    [Fact]
    public async Task Pod_starts_at_1_bumps_on_a_spec_change_and_on_its_graceful_delete()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        // With a simulated kubelet on the pod's node, so the delete is graceful; the delete answers with the marked pod.
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,node-simulator,kubelet,serviceaccount") }, ct);
        var core = cluster.Client.CoreV1;

        var created = await core.CreateNamespacedPodAsync(Pod("runner", nodeName: "fakeapiserver-worker"), "default", cancellationToken: ct);
        Assert.Equal(1, created.Metadata.Generation);

        var labelled = await core.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "runner", "default", cancellationToken: ct);
        Assert.Equal(1, labelled.Metadata.Generation);

        var changed = await core.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"activeDeadlineSeconds":600}}""", V1Patch.PatchType.MergePatch), "runner", "default", cancellationToken: ct);
        Assert.Equal(600, changed.Spec.ActiveDeadlineSeconds);
        Assert.Equal(2, changed.Metadata.Generation);

        var deleting = await core.DeleteNamespacedPodAsync("runner", "default", gracePeriodSeconds: 30, cancellationToken: ct);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        Assert.Equal(3, deleting.Metadata.Generation);
    }

    [Fact]
    public async Task Deletion_held_by_a_finalizer_bumps_only_a_generation_already_kept()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var core = cluster.Client.CoreV1;
        var plain = ConfigMap("plain");
        plain.Metadata.Finalizers = ["example.com/hold"];
        var sent = ConfigMap("sent");
        sent.Metadata.Finalizers = ["example.com/hold"];
        sent.Metadata.Generation = 3;
        await core.CreateNamespacedConfigMapAsync(plain, "default", cancellationToken: ct);
        await core.CreateNamespacedConfigMapAsync(sent, "default", cancellationToken: ct);

        (await http.DeleteAsync("api/v1/namespaces/default/configmaps/plain", ct)).EnsureSuccessStatusCode();
        (await http.DeleteAsync("api/v1/namespaces/default/configmaps/sent", ct)).EnsureSuccessStatusCode();

        var heldPlain = await core.ReadNamespacedConfigMapAsync("plain", "default", cancellationToken: ct);
        var heldSent = await core.ReadNamespacedConfigMapAsync("sent", "default", cancellationToken: ct);
        Assert.NotNull(heldPlain.Metadata.DeletionTimestamp);
        Assert.Null(heldPlain.Metadata.Generation);
        Assert.NotNull(heldSent.Metadata.DeletionTimestamp);
        Assert.Equal(4, heldSent.Metadata.Generation);
    }

    private static async Task<JsonObject> PatchAsync(HttpClient http, string url, string patch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(patch, "application/merge-patch+json") };
        using var response = await http.SendAsync(request, ct);
        return await response.ReadObjectAsync(ct);
    }
}
