using System.Net;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>The deprecated /watch/ paths upstream still serves: /api/v1/watch/... and /apis/{group}/{version}/watch/....</summary>
public sealed class LegacyWatchPathTests
{
    [Theory]
    [InlineData("/api/v1/watch/namespaces/default/configmaps", "a,b")]
    [InlineData("/api/v1/watch/configmaps?labelSelector=app%3Db", "b")]
    [InlineData("/api/v1/watch/namespaces/default/configmaps/b", "b")]
    [InlineData("/api/v1/watch/namespaces/default/configmaps/b?fieldSelector=metadata.name%3Db", "b")]
    [InlineData("/api/v1/watch/namespaces/kube-system", "kube-system")]
    [InlineData("/apis/apps/v1/watch/namespaces/default/deployments", "d")]
    [InlineData("/apis/apps/v1/watch/deployments/", "d")]
    [InlineData("/apis/apps/v1/watch/namespaces/default/deployments/d", "d")]
    public async Task A_watch_path_streams_the_collection_or_the_named_object(string path, string names)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", new Dictionary<string, string> { ["app"] = "b" }), "default", cancellationToken: ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("d"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        var expected = names.Split(',');
        var seen = new List<string>();

        // The initial ADDED events, then one live change that only the watch of "b" or of the collection sees.
        await foreach (var e in http.WatchAsync(path, ct))
        {
            if (e.Type() == "ADDED" && seen.Count < expected.Length)
            {
                seen.Add(e.ObjectName());
                if (seen.Count == expected.Length)
                {
                    break;
                }
            }
        }

        Assert.Equal(expected, seen.Order());
    }

    [Fact]
    public async Task A_watch_of_a_named_object_sees_its_changes_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var b = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default", cancellationToken: ct);
        using var http = cluster.Http();
        string? first = null;

        await foreach (var e in http.WatchAsync($"/api/v1/watch/namespaces/default/configmaps/b?resourceVersion={b.Metadata.ResourceVersion}", ct))
        {
            first = e.Type() + " " + e.ObjectName();
            break;
        }

        Assert.Equal("DELETED b", first);
    }

    [Fact]
    public async Task A_fieldSelector_naming_another_object_is_a_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("/api/v1/watch/namespaces/default/configmaps/b?fieldSelector=metadata.name%3Dc", ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "fieldSelector metadata.name doesn't match requested name", ct);
    }

    [Fact]
    public async Task A_watch_path_answers_get_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/watch/namespaces/default/configmaps", Json("""{"metadata":{"name":"x"}}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", null, ct);
    }
}
