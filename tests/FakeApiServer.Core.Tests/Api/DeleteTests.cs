using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class DeleteTests
{
    [Fact]
    public async Task Delete_returns_a_Success_Status_with_the_deleted_object_details()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var response = await http.DeleteAsync("/api/v1/namespaces/default/configmaps/x", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.ReadObjectAsync(ct);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("Success", (string?)status["status"]);
        Assert.Equal("x", (string?)status["details"]?["name"]);
        Assert.Equal("configmaps", (string?)status["details"]?["kind"]);
        Assert.Equal(created.Metadata.Uid, (string?)status["details"]?["uid"]);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_through_the_client_parses_as_a_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);

        var status = await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default",
            body: new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: ct);

        Assert.Equal("Success", status.Status);
        Assert.Equal("x", status.Details.Name);
    }

    [Fact]
    public async Task Delete_of_a_missing_object_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "configmaps \"x\" not found");
    }

    [Fact]
    public async Task Delete_with_finalizers_marks_the_object_and_removing_them_deletes_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var body = ConfigMap("held");
        body.Metadata.Finalizers = ["example.com/hold"];
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(body, "default", cancellationToken: ct);
        using var http = cluster.Http();
        await using var watch = http.WatchAsync(
            $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={created.Metadata.ResourceVersion}", ct).GetAsyncEnumerator(ct);

        using var response = await http.DeleteAsync("/api/v1/namespaces/default/configmaps/held", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var marked = await response.ReadObjectAsync(ct);
        Assert.Equal("ConfigMap", (string?)marked["kind"]);
        Assert.NotNull((string?)marked["metadata"]?["deletionTimestamp"]);
        Assert.Equal(0, (int?)marked["metadata"]?["deletionGracePeriodSeconds"]);
        Assert.NotEqual(created.Metadata.ResourceVersion, (string?)marked["metadata"]?["resourceVersion"]);
        var stillThere = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("held", "default", cancellationToken: ct);
        Assert.NotNull(stillThere.Metadata.DeletionTimestamp);

        var patch = new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch);
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "held", "default", cancellationToken: ct);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("MODIFIED", watch.Current.Type());
        Assert.NotNull((string?)watch.Current["object"]?["metadata"]?["deletionTimestamp"]);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("DELETED", watch.Current.Type());
        Assert.Equal("held", watch.Current.ObjectName());
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("held", "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Adding_a_finalizer_to_an_object_being_deleted_returns_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var body = ConfigMap("held");
        body.Metadata.Finalizers = ["example.com/hold"];
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(body, "default", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("held", "default", cancellationToken: ct);

        var patch = new V1Patch("""{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}""", V1Patch.PatchType.MergePatch);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "held", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        Assert.Contains("no new finalizers can be added if the object is being deleted", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal("metadata.finalizers", (string?)status["details"]?["causes"]?[0]?["field"]);
    }

    [Fact]
    public async Task Delete_with_a_mismatched_uid_precondition_returns_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        const string WrongUid = "00000000-0000-0000-0000-000000000001";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default",
            body: new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = WrongUid } }, cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on configmaps \"x\": Precondition failed: UID in precondition: {WrongUid}, UID in object meta: {created.Metadata.Uid}");
        await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct);

        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default",
            body: new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = created.Metadata.Uid, ResourceVersion = created.Metadata.ResourceVersion } },
            cancellationToken: ct);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items);
    }

    [Fact]
    public async Task Delete_with_a_stale_resourceVersion_precondition_returns_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        created.Data["a"] = "2";
        var updated = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "x", "default", cancellationToken: ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default",
            body: new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = created.Metadata.ResourceVersion } }, cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on configmaps \"x\": Precondition failed: ResourceVersion in precondition: {created.Metadata.ResourceVersion}, ResourceVersion in object meta: {updated.Metadata.ResourceVersion}");
    }

    [Fact]
    public async Task Deletecollection_with_a_label_selector_deletes_only_matching_objects()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", new Dictionary<string, string> { ["app"] = "db" }), "default", cancellationToken: ct);
        await cluster.AddNamespaceAsync("other", ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("d", new Dictionary<string, string> { ["app"] = "web" }), "other", cancellationToken: ct);
        using var http = cluster.Http();

        using var response = await http.DeleteAsync("/api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deleted = await response.ReadObjectAsync(ct);
        Assert.Equal("ConfigMapList", (string?)deleted["kind"]);
        Assert.Equal(["a", "b"], deleted["items"]!.AsArray().Select(i => (string?)i?["metadata"]?["name"]));
        Assert.Equal(["c"], (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["d"], (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("other", cancellationToken: ct)).Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task Deletecollection_through_the_client_honours_the_selector()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", new Dictionary<string, string> { ["app"] = "db" }), "default", cancellationToken: ct);

        await cluster.Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "app!=web", cancellationToken: ct);

        Assert.Equal(["a"], (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items.Select(i => i.Metadata.Name));
    }
}
