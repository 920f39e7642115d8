using System.Globalization;
using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_sets_server_owned_metadata_and_the_namespace_from_the_url()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var before = DateTime.UtcNow.AddSeconds(-2);

        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "settings-" }, Data = new Dictionary<string, string> { ["a"] = "1" } },
            "default", cancellationToken: ct);

        Assert.Matches("^settings-[bcdfghjklmnpqrstvwxz2456789]{5}$", created.Metadata.Name);
        Assert.True(Guid.TryParse(created.Metadata.Uid, out _), created.Metadata.Uid);
        Assert.InRange(created.Metadata.CreationTimestamp!.Value.ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(2));
        Assert.True(long.Parse(created.Metadata.ResourceVersion, CultureInfo.InvariantCulture) > 0);
        Assert.Null(created.Metadata.Generation);
        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("ConfigMap", created.Kind);

        var read = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync(created.Metadata.Name, "default", cancellationToken: ct);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("1", read.Data["a"]);
    }

    [Fact]
    public async Task Create_fills_apiVersion_and_kind_when_the_body_lacks_them()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"bare"},"data":{"k":"v"}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadObjectAsync(ct);
        Assert.Equal("v1", (string?)created["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)created["kind"]);
        Assert.Equal("default", (string?)created["metadata"]?["namespace"]);
        using var deployment = await http.PostAsync("/apis/apps/v1/namespaces/default/deployments",
            Json("""{"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"""), ct);
        Assert.Equal(HttpStatusCode.Created, deployment.StatusCode);
        var stored = await deployment.ReadObjectAsync(ct);
        Assert.Equal("apps/v1", (string?)stored["apiVersion"]);
        Assert.Equal("Deployment", (string?)stored["kind"]);
    }

    [Fact]
    public async Task Create_of_an_existing_name_returns_409_AlreadyExists()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Conflict, "AlreadyExists", "configmaps \"x\" already exists");
        Assert.Equal("x", (string?)status["details"]?["name"]);
        Assert.Equal("configmaps", (string?)status["details"]?["kind"]);
    }

    [Fact]
    public async Task Create_in_a_missing_namespace_returns_404_for_the_namespace()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "nope", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "namespaces \"nope\" not found");
        Assert.Equal("namespaces", (string?)status["details"]?["kind"]);
    }

    [Fact]
    public async Task Create_with_a_body_namespace_other_than_the_url_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var body = ConfigMap("x");
        body.Metadata.NamespaceProperty = "kube-system";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(body, "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.BadRequest, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system", cancellationToken: ct)).Items);
    }

    [Fact]
    public async Task Get_of_a_missing_object_returns_404_with_the_plural_as_details_kind()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "configmaps \"x\" not found");
        Assert.Equal("x", (string?)status["details"]?["name"]);
        Assert.Equal("configmaps", (string?)status["details"]?["kind"]);
    }

    [Fact]
    public async Task Get_of_a_missing_deployment_names_the_group_in_message_and_details()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "deployments.apps \"web\" not found");
        Assert.Equal("apps", (string?)status["details"]?["group"]);
        Assert.Equal("deployments", (string?)status["details"]?["kind"]);
    }

    [Fact]
    public async Task Stale_update_returns_409_with_the_upstream_message()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        var first = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        first.Data["a"] = "2";
        await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "x", "default", cancellationToken: ct);

        created.Data["a"] = "3";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Conflict, "Conflict",
            "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again");
        Assert.Equal("configmaps", (string?)status["details"]?["kind"]);
        Assert.Equal("2", (await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct)).Data["a"]);
    }

    [Fact]
    public async Task Update_without_a_resourceVersion_is_unconditional()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var replaced = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(
            ConfigMap("x", data: new Dictionary<string, string> { ["a"] = "new" }), "x", "default", cancellationToken: ct);

        Assert.Equal("new", replaced.Data["a"]);
        Assert.Equal(created.Metadata.Uid, replaced.Metadata.Uid);
        Assert.Equal(created.Metadata.CreationTimestamp, replaced.Metadata.CreationTimestamp);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion, CultureInfo.InvariantCulture) > long.Parse(created.Metadata.ResourceVersion, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Update_of_a_missing_object_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap("ghost"), "ghost", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "configmaps \"ghost\" not found");
    }

    [Fact]
    public async Task Generation_bumps_on_spec_changes_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default", cancellationToken: ct);
        Assert.Equal(1, created.Metadata.Generation);

        created.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        var relabelled = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "web", "default", cancellationToken: ct);
        Assert.Equal(1, relabelled.Metadata.Generation);
        Assert.NotEqual(created.Metadata.ResourceVersion, relabelled.Metadata.ResourceVersion);

        relabelled.Spec.Replicas = 3;
        var scaled = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(relabelled, "web", "default", cancellationToken: ct);
        Assert.Equal(2, scaled.Metadata.Generation);

        scaled.Metadata.Generation = 40;
        var ignored = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(scaled, "web", "default", cancellationToken: ct);
        Assert.Equal(2, ignored.Metadata.Generation);
    }

    [Fact]
    public async Task No_op_update_keeps_the_resourceVersion()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var same = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", cancellationToken: ct);

        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        Assert.Equal(created.Metadata.ResourceVersion, list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Dry_run_create_persists_nothing_and_bumps_no_resourceVersion()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var before = (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Metadata.ResourceVersion;

        var answer = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), "default", dryRun: "All", cancellationToken: ct);

        Assert.Equal("dry", answer.Metadata.Name);
        Assert.Equal("1", answer.Data["a"]);
        var after = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        Assert.Equal(before, after.Metadata.ResourceVersion);
        Assert.Empty(after.Items);
    }

    [Fact]
    public async Task Dry_run_update_and_delete_change_nothing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        created.Data["a"] = "dry";
        var updated = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", dryRun: "All", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default", dryRun: "All", cancellationToken: ct);

        Assert.Equal("dry", updated.Data["a"]);
        var stored = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        Assert.Equal("1", stored.Data["a"]);
        Assert.Equal(created.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        Assert.Equal(created.Metadata.ResourceVersion, list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Resource_versions_increase_across_kinds()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var cm = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        var secret = await cluster.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default", cancellationToken: ct);

        // One global revision for all kinds, as etcd's: a later write of another kind has a larger resourceVersion.
        Assert.True(long.Parse(secret.Metadata.ResourceVersion, CultureInfo.InvariantCulture) > long.Parse(cm.Metadata.ResourceVersion, CultureInfo.InvariantCulture));
    }
}
