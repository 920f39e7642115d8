using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class PatchTests
{
    [Fact]
    public async Task Json_merge_patch_sets_and_removes_fields()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            ConfigMap("x", data: new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" }), "default", cancellationToken: ct);

        var patched = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"labels":{"app":"web"}},"data":{"drop":null,"new":"3"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "3" }, patched.Data);
        Assert.Equal("web", patched.Metadata.Labels["app"]);
        Assert.Equal(created.Metadata.Uid, patched.Metadata.Uid);
        Assert.NotEqual(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Json_patch_applies_operations_in_order()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x", data: new Dictionary<string, string> { ["a"] = "1" }), "default", cancellationToken: ct);

        var patched = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """[{"op":"test","path":"/data/a","value":"1"},{"op":"add","path":"/data/b","value":"2"},{"op":"move","from":"/data/a","path":"/data/c"}]""",
            V1Patch.PatchType.JsonPatch), "x", "default", cancellationToken: ct);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "1" }, patched.Data);
    }

    [Fact]
    public async Task Json_patch_with_a_failing_test_operation_returns_422_and_changes_nothing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """[{"op":"replace","path":"/data/a","value":"changed"},{"op":"test","path":"/data/a","value":"other"}]""",
            V1Patch.PatchType.JsonPatch), "x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        var stored = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        Assert.Equal("1", stored.Data["a"]);
        Assert.Equal(created.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_and_env_by_name()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web", Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" } },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container { Name = "web", Image = "nginx:1.25", Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "2" }] },
                            new V1Container { Name = "sidecar", Image = "busybox:1.36" },
                        ],
                    },
                },
            },
        }, "default", cancellationToken: ct);

        var patched = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""
            {"metadata":{"labels":{"tier":null}},
             "spec":{"template":{"spec":{"containers":[
               {"name":"web","env":[{"name":"B","value":"20"},{"name":"C","value":"3"}]},
               {"name":"sidecar","$patch":"delete"},
               {"name":"log","image":"fluentd:1"}]}}}}
            """, V1Patch.PatchType.StrategicMergePatch), "web", "default", cancellationToken: ct);

        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["web", "log"], containers.Select(c => c.Name));
        Assert.Equal("nginx:1.25", containers[0].Image);
        Assert.Equal(["A=1", "B=20", "C=3"], containers[0].Env.Select(e => e.Name + "=" + e.Value));
        Assert.False(patched.Metadata.Labels.ContainsKey("tier"));
        Assert.Equal("web", patched.Metadata.Labels["app"]);
    }

    [Fact]
    public async Task Unknown_patch_type_returns_415()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Patch, "api/v1/namespaces/default/configmaps/x")
        {
            Content = new StringContent("""{"data":{"a":"2"}}""", System.Text.Encoding.UTF8, "application/x-unknown-patch"),
        };

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var status = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("UnsupportedMediaType", (string?)status["reason"]);
        Assert.Equal(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Patch_with_a_stale_resourceVersion_returns_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":"2"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($$$"""{"metadata":{"resourceVersion":"{{{created.Metadata.ResourceVersion}}}"},"data":{"a":"3"}}""", V1Patch.PatchType.MergePatch),
            "x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Conflict, "Conflict",
            "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public async Task Patch_of_a_missing_object_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"a":"2"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "configmaps \"x\" not found");
    }

    [Fact]
    public async Task Patch_ignores_changes_to_creationTimestamp_and_generation()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var patched = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """{"metadata":{"creationTimestamp":"2000-01-01T00:00:00Z","generation":7},"data":{"a":"2"}}""",
            V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);

        Assert.Equal(created.Metadata.CreationTimestamp, patched.Metadata.CreationTimestamp);
        Assert.Equal(created.Metadata.Uid, patched.Metadata.Uid);
        Assert.Null(patched.Metadata.Generation);
        Assert.Equal("2", patched.Data["a"]);
    }

    [Fact]
    public async Task Patch_that_changes_the_uid_returns_422_field_is_immutable()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"uid":"00000000-0000-0000-0000-000000000001"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "ConfigMap \"x\" is invalid: metadata.uid: Invalid value: \"00000000-0000-0000-0000-000000000001\": field is immutable");
        Assert.Equal(created.Metadata.Uid, (await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct)).Metadata.Uid);
    }

    [Fact]
    public async Task Update_with_another_uid_fails_the_uid_precondition_with_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        created.Metadata.Uid = "00000000-0000-0000-0000-000000000001";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Conflict, "Conflict", null);
        Assert.Contains("Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000001", error.Response.Content, StringComparison.Ordinal);
    }
}
