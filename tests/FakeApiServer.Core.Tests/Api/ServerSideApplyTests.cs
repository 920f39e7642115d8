using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>Server-side apply and managedFields through the KubernetesClient, against the real HTTP server.</summary>
public sealed class ServerSideApplyTests
{
    private static V1Patch Apply(string json) => new(json, V1Patch.PatchType.ApplyPatch);

    /// <summary>An applied configuration as the KubernetesClient sends it: JSON (its V1Patch does not take YAML).</summary>
    private static string DeploymentConfig(int replicas, string image = "nginx:1.27", string? extraLabel = null)
    {
        var labels = new JsonObject { ["app"] = "web" };
        if (extraLabel is not null)
        {
            labels[extraLabel] = "yes";
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
                },
            },
        }.ToJsonString();
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An entry's FieldsV1 as compact JSON, quotes in keys written as \" (as the server sends them).</summary>
    private static string Fields(V1ManagedFieldsEntry entry) => JsonNode.Parse(JsonSerializer.Serialize(entry.FieldsV1))!.ToJsonString(Relaxed);

    [Fact]
    public async Task Apply_of_a_missing_object_creates_it_with_201_and_an_apply_entry()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        using var response = await cluster.Client.AppsV1.PatchNamespacedDeploymentWithHttpMessagesAsync(
            Apply(DeploymentConfig(2)), "web", "default", fieldManager: "ci", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Created, response.Response.StatusCode);
        var deployment = response.Body;
        Assert.Equal(2, deployment.Spec.Replicas);
        var entry = Assert.Single(deployment.Metadata.ManagedFields);
        Assert.Equal(("ci", "Apply", "apps/v1", "FieldsV1"), (entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType));
        Assert.NotNull(entry.Time);
        Assert.Equal(0, entry.Time!.Value.Millisecond);
        Assert.Contains("\"f:replicas\":{}", Fields(entry), StringComparison.Ordinal);
        Assert.Contains("\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{}", Fields(entry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_manager_changing_an_owned_field_gets_409_naming_the_first()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2)), "web", "default", fieldManager: "first", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            Apply("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":5}}"),
            "web", "default", fieldManager: "second", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Conflict, "Conflict", "Apply failed with 1 conflict: conflict with \"first\": .spec.replicas");
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldManagerConflict", (string?)cause["reason"]);
        Assert.Equal("conflict with \"first\"", (string?)cause["message"]);
        Assert.Equal(".spec.replicas", (string?)cause["field"]);
        Assert.Equal(2, (await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Force_moves_the_field_to_the_second_manager()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2)), "web", "default", fieldManager: "first", cancellationToken: ct);

        var forced = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            Apply("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":5}}"),
            "web", "default", fieldManager: "second", force: true, cancellationToken: ct);

        Assert.Equal(5, forced.Spec.Replicas);
        var byManager = forced.Metadata.ManagedFields.ToDictionary(e => e.Manager);
        Assert.DoesNotContain("f:replicas", Fields(byManager["first"]), StringComparison.Ordinal);
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{}}}", Fields(byManager["second"]));
    }

    [Fact]
    public async Task A_field_the_applier_no_longer_applies_is_removed()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2, extraLabel: "canary")), "web", "default", fieldManager: "ci", cancellationToken: ct);

        var applied = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2)), "web", "default", fieldManager: "ci", cancellationToken: ct);

        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, applied.Metadata.Labels);
    }

    [Fact]
    public async Task Reapplying_the_same_configuration_changes_nothing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var first = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2)), "web", "default", fieldManager: "ci", cancellationToken: ct);

        var second = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(2)), "web", "default", fieldManager: "ci", cancellationToken: ct);

        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Create_replace_and_patch_record_update_entries_for_their_managers()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var client = cluster.Client;
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x", data: new Dictionary<string, string> { ["a"] = "1" }),
            "default", fieldManager: "creator", cancellationToken: ct);
        var createEntry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal(("creator", "Update", "v1"), (createEntry.Manager, createEntry.Operation, createEntry.ApiVersion));
        Assert.Equal("{\"f:data\":{\".\":{},\"f:a\":{}}}", Fields(createEntry));

        created.Data["b"] = "2";
        var replaced = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", fieldManager: "replacer", cancellationToken: ct);
        Assert.Equal(["creator", "replacer"], replaced.Metadata.ManagedFields.Select(e => e.Manager));
        Assert.Equal("{\"f:data\":{\"f:b\":{}}}", Fields(replaced.Metadata.ManagedFields[1]));

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"changed\"}}", V1Patch.PatchType.MergePatch),
            "x", "default", fieldManager: "patcher", cancellationToken: ct);
        var byManager = patched.Metadata.ManagedFields.ToDictionary(e => e.Manager);
        Assert.Equal("{\"f:data\":{\"f:a\":{}}}", Fields(byManager["patcher"]));
        Assert.Equal("{\"f:data\":{}}", Fields(byManager["creator"]));
    }

    [Fact]
    public async Task Without_fieldManager_the_manager_is_the_user_agent_prefix()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps")
        {
            Content = Json("""{"metadata":{"name":"x"},"data":{"a":"1"}}"""),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", "my-tool/1.2.3 (linux/amd64)");

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadObjectAsync(ct);
        Assert.Equal("my-tool", (string?)created["metadata"]!["managedFields"]![0]!["manager"]);
    }

    [Fact]
    public async Task Status_writes_record_the_status_subresource()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default", fieldManager: "creator", cancellationToken: ct);

        var patched = await cluster.Client.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("{\"status\":{\"collisionCount\":7}}", V1Patch.PatchType.MergePatch), "web", "default", fieldManager: "controller", cancellationToken: ct);

        var entry = patched.Metadata.ManagedFields.Single(e => e.Manager == "controller");
        Assert.Equal("status", entry.Subresource);
        Assert.Equal("{\"f:status\":{\"f:collisionCount\":{}}}", Fields(entry));
    }

    [Fact]
    public async Task Apply_without_fieldManager_is_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            Apply(DeploymentConfig(1)), "web", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
    }

    [Fact]
    public async Task Force_must_be_a_bool_and_only_for_apply()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var badForce = await http.PatchAsync("/apis/apps/v1/namespaces/default/deployments/web?fieldManager=x&force=maybe",
            Json(DeploymentConfig(1), "application/apply-patch+yaml"), ct);
        await badForce.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        using var forcedMerge = await http.PatchAsync("/api/v1/namespaces/default/configmaps/x?force=true",
            Json("{}", "application/merge-patch+json"), ct);
        await forcedMerge.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch", ct);
    }

    [Fact]
    public async Task Dry_run_apply_answers_without_storing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var answer = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(Apply(DeploymentConfig(3)), "web", "default",
            dryRun: "All", fieldManager: "ci", cancellationToken: ct);

        Assert.Equal(3, answer.Spec.Replicas);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Managed_fields_can_be_cleared_with_one_empty_entry()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", fieldManager: "creator", cancellationToken: ct);

        var patched = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"metadata\":{\"managedFields\":[{}]}}", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);

        Assert.Null(patched.Metadata.ManagedFields);
    }
}
