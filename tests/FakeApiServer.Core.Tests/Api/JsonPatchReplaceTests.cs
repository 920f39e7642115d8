using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// JSON Patch replace as kube-apiserver's json-patch library applies it: a missing member of an existing object is
/// set (the C# client's cordon and rollout pause/restart send exactly that); a missing array element or parent is a 422.
/// </summary>
public sealed class JsonPatchReplaceTests
{
    [Fact]
    public async Task Replace_of_a_missing_member_sets_it_as_rollout_pause_sends()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default", cancellationToken: ct);

        var paused = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/paused","value":true}]""", V1Patch.PatchType.JsonPatch), "web", "default", cancellationToken: ct);
        var restarted = await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/template/metadata/annotations","value":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"}}]""", V1Patch.PatchType.JsonPatch),
            "web", "default", cancellationToken: ct);

        Assert.True(paused.Spec.Paused);
        Assert.Equal("2026-01-01T00:00:00Z", restarted.Spec.Template.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"]);
    }

    [Fact]
    public async Task Replace_of_a_missing_member_cordons_a_node()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var node = await cluster.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" }, Spec = new V1NodeSpec() }, cancellationToken: ct);
        Assert.Null(node.Spec?.Unschedulable);

        var cordoned = await cluster.Client.CoreV1.PatchNodeAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/unschedulable","value":true}]""", V1Patch.PatchType.JsonPatch), node.Metadata.Name, cancellationToken: ct);

        Assert.True(cordoned.Spec.Unschedulable);
    }

    [Fact]
    public async Task Replace_in_an_array_takes_an_existing_or_negative_index()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var response = await http.PatchAsync("/api/v1/namespaces/default/configmaps/x", Json(
            """[{"op":"add","path":"/metadata/finalizers","value":["a/one","a/two"]},{"op":"replace","path":"/metadata/finalizers/-1","value":"a/last"},{"op":"replace","path":"/metadata/finalizers/0","value":"a/first"},{"op":"remove","path":"/metadata/finalizers"}]""",
            "application/json-patch+json"), ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ct));
        using var check = await http.PatchAsync("/api/v1/namespaces/default/configmaps/x?dryRun=All", Json(
            """[{"op":"replace","path":"/data/b","value":"2"}]""", "application/json-patch+json"), ct);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal("2", (string?)(await check.ReadObjectAsync(ct))["data"]?["b"]);
    }

    [Theory]
    [InlineData("/metadata/finalizers/5", "replace operation does not apply: doc is missing key: /metadata/finalizers/5: missing value")]
    [InlineData("/metadata/finalizers/-3", "replace operation does not apply: doc is missing key: /metadata/finalizers/-3: missing value")]
    [InlineData("/spec/missing/x", "replace operation does not apply: doc is missing path: /spec/missing/x: missing value")]
    public async Task Replace_of_a_missing_element_or_parent_is_a_422(string path, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var cm = ConfigMap("x");
        cm.Metadata.Finalizers = ["a/one", "a/two"];
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var response = await http.PatchAsync("/api/v1/namespaces/default/configmaps/x",
            Json($$"""[{"op":"replace","path":"{{path}}","value":"v"}]""", "application/json-patch+json"), ct);

        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", message, ct);
    }
}
