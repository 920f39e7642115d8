using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class ListTests
{
    [Fact]
    public async Task Pages_come_from_the_first_page_snapshot()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.AddNamespaceAsync("paged", ct);
        foreach (var name in new[] { "b", "c", "d", "e", "f" })
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), "paged", cancellationToken: ct);
        }

        var first = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("paged", limit: 2, cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "paged", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("z"), "paged", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("e", "paged", cancellationToken: ct);
        var second = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("paged", limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: ct);
        var third = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("paged", limit: 2, continueParameter: second.Metadata.ContinueProperty, cancellationToken: ct);

        Assert.Equal(["b", "c"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Equal(["d", "e"], second.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["f"], third.Items.Select(i => i.Metadata.Name));
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
        var fresh = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("paged", cancellationToken: ct);
        Assert.Equal(["a", "b", "c", "d", "f", "z"], fresh.Items.Select(i => i.Metadata.Name));
        Assert.NotEqual(first.Metadata.ResourceVersion, fresh.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_list_larger_than_one_flushed_chunk_arrives_whole_and_in_order()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.AddNamespaceAsync("big", ct);
        var payload = new string('x', 4096);
        var names = Enumerable.Range(0, 300).Select(i => $"cm-{i:D3}").ToArray();
        await Task.WhenAll(names.Select(n => cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = n }, Data = new Dictionary<string, string> { ["payload"] = payload } }, "big", cancellationToken: ct)));

        // 300 objects of 4 KiB are well over the 256 KiB the server buffers before flushing a list.
        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("big", cancellationToken: ct);

        Assert.Equal(names, list.Items.Select(i => i.Metadata.Name));
        Assert.All(list.Items, i => Assert.Equal(payload, i.Data["payload"]));
    }

    [Fact]
    public async Task List_reports_the_store_revision_and_the_list_kind()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        var secret = await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default", cancellationToken: ct);

        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);

        Assert.Equal("ConfigMapList", list.Kind);
        Assert.Equal("v1", list.ApiVersion);
        Assert.Equal(secret.Metadata.ResourceVersion, list.Metadata.ResourceVersion);
        Assert.Equal(["x"], list.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task Continue_token_of_a_compacted_snapshot_returns_410()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { HistoryWindow = 5 }, ct);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), "default", cancellationToken: ct);
        }

        var first = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 1, cancellationToken: ct);
        for (var i = 0; i < 20; i++)
        {
            await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: ct);
        }

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 1, continueParameter: first.Metadata.ContinueProperty, cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Gone, "Expired", null);
        Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_continue_token_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", continueParameter: "not-a-token", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.BadRequest, "BadRequest", null);
    }

    [Theory]
    [InlineData("app=web", new[] { "web-1", "web-2" })]
    [InlineData("app==web", new[] { "web-1", "web-2" })]
    [InlineData("app!=web", new[] { "db", "plain" })]
    [InlineData("app in (web,db)", new[] { "db", "web-1", "web-2" })]
    [InlineData("app notin (web)", new[] { "db", "plain" })]
    [InlineData("tier", new[] { "web-2" })]
    [InlineData("!tier", new[] { "db", "plain", "web-1" })]
    [InlineData("app=web,tier=front", new[] { "web-2" })]
    [InlineData("app.kubernetes.io/name=db", new[] { "db" })]
    public async Task Label_selectors_filter_lists(string selector, string[] expected)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("web-1", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            ConfigMap("web-2", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            ConfigMap("db", new Dictionary<string, string> { ["app"] = "db", ["app.kubernetes.io/name"] = "db" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("plain"), "default", cancellationToken: ct);

        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector, cancellationToken: ct);

        Assert.Equal(expected, list.Items.Select(i => i.Metadata.Name));
    }

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app=web=db")]
    [InlineData("a b")]
    public async Task Malformed_label_selector_returns_400(string selector)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector, cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.BadRequest, "BadRequest", null);
        Assert.False(string.IsNullOrEmpty((string?)status["message"]));
    }

    [Theory]
    [InlineData("metadata.name=b", "b")]
    [InlineData("metadata.name==b", "b")]
    [InlineData("metadata.name!=b", "a,c")]
    [InlineData("metadata.name!=b,metadata.name!=c", "a")]
    [InlineData("metadata.namespace=default", "a,b,c")]
    [InlineData("metadata.namespace=other", "")]
    public async Task Metadata_field_selectors_filter_lists(string selector, string expected)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), "default", cancellationToken: ct);
        }

        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: selector, cancellationToken: ct);

        Assert.Equal(expected, string.Join(",", list.Items.Select(i => i.Metadata.Name)));
    }

    [Fact]
    public async Task Pod_field_selectors_filter_by_node_and_phase_across_namespaces()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("on-a", nodeName: "node-a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("on-b", nodeName: "node-b"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("unscheduled"), "kube-system", cancellationToken: ct);
        var running = await cluster.Client.CoreV1.ReadNamespacedPodStatusAsync("on-b", "default", cancellationToken: ct);
        running.Status.Phase = "Running";
        await cluster.Client.CoreV1.ReplaceNamespacedPodStatusAsync(running, "on-b", "default", cancellationToken: ct);

        var onA = await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-a", cancellationToken: ct);
        var unscheduled = await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=", cancellationToken: ct);
        var pending = await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "status.phase=Pending", cancellationToken: ct);
        var runningOnB = await cluster.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Running,spec.nodeName=node-b", cancellationToken: ct);

        Assert.Equal(["on-a"], onA.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["unscheduled"], unscheduled.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["on-a", "unscheduled"], pending.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["on-b"], runningOnB.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task Unsupported_field_label_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "x=y", cancellationToken: ct));
        var podError = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "spec.nodeName=n", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.BadRequest, "BadRequest", "field label not supported: x");
        podError.AssertStatus(HttpStatusCode.BadRequest, "BadRequest", "field label not supported: spec.nodeName");
    }

    [Fact]
    public async Task Cluster_wide_list_spans_namespaces_in_namespace_then_name_order()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.AddNamespaceAsync("alpha", ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("z"), "alpha", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "alpha", cancellationToken: ct);

        var list = await cluster.Client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct);

        Assert.Equal(["alpha/b", "alpha/z", "default/a"], list.Items.Select(i => i.Metadata.NamespaceProperty + "/" + i.Metadata.Name));
    }
}
