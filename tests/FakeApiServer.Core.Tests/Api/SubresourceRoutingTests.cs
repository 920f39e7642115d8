using System.Net;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// Subresources are served from what each resource registers: a name it did not register is upstream's 404, a method
/// it registered no verb for is a 405, and discovery lists exactly the registrations (by name, with their kinds and verbs).
/// </summary>
public sealed class SubresourceRoutingTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/nosuch")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/p/nosuch")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/scale")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/status/extra")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods/p/status")]
    [InlineData("GET", "/api/v1/namespaces/default/configmaps/c/status")]
    [InlineData("PUT", "/api/v1/namespaces/default/finalize/x")]
    [InlineData("GET", "/api/v1/proxy/namespaces/default/pods/p")]
    [InlineData("GET", "/apis/apps/v1/namespaces/default/deployments/d/log")]
    public async Task An_unregistered_subresource_is_upstreams_404_Status(string method, string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("p"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : Json("{}") };
        using var response = await http.SendAsync(request, ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource", ct);
        Assert.Equal("Failure", (string?)status["status"]);
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/eviction")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/p/binding")]
    [InlineData("PUT", "/api/v1/namespaces/default/pods/p/log")]
    [InlineData("POST", "/api/v1/namespaces/default/pods/p/status")]
    [InlineData("DELETE", "/api/v1/namespaces/default/pods/p/status")]
    [InlineData("GET", "/api/v1/namespaces/default/finalize")]
    [InlineData("PATCH", "/api/v1/namespaces/default/finalize")]
    public async Task A_method_the_subresource_has_no_verb_for_is_a_405_Status_and_changes_nothing(string method, string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("p"), "default", cancellationToken: ct);
        var ns = await cluster.Client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
        using var http = cluster.Http();

        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method is "GET" or "DELETE" ? null : Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"changed":"yes"}}}""",
                method == "PATCH" ? "application/merge-patch+json" : "application/json"),
        };
        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource", ct);
        var podAfter = await cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: ct);
        var nsAfter = await cluster.Client.CoreV1.ReadNamespaceAsync("default", cancellationToken: ct);
        Assert.Equal(pod.Metadata.ResourceVersion, podAfter.Metadata.ResourceVersion);
        Assert.Equal(ns.Metadata.ResourceVersion, nsAfter.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_registered_verb_of_a_subresource_is_served()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("p"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var status = await http.GetAsync("/api/v1/namespaces/default/pods/p/status", ct);
        using var log = await http.GetAsync("/api/v1/namespaces/default/pods/p/log", ct);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("p", (string?)(await status.ReadObjectAsync(ct))["metadata"]?["name"]);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        Assert.Equal("text/plain", log.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The pod subresources served today, as upstream 1.33's /api/v1 lists them: name, kind (group/version when not core/v1), verbs.</summary>
    [Theory]
    [InlineData("pods/attach", "PodAttachOptions", null, "create,get")]
    [InlineData("pods/binding", "Binding", null, "create")]
    [InlineData("pods/eviction", "Eviction", "policy/v1", "create")]
    [InlineData("pods/exec", "PodExecOptions", null, "create,get")]
    [InlineData("pods/log", "Pod", null, "get")]
    [InlineData("pods/portforward", "PodPortForwardOptions", null, "create,get")]
    [InlineData("pods/status", "Pod", null, "get,patch,update")]
    [InlineData("namespaces/finalize", "Namespace", null, "update")]
    [InlineData("namespaces/status", "Namespace", null, "get,patch,update")]
    [InlineData("replicationcontrollers/scale", "Scale", "autoscaling/v1", "get,patch,update")]
    public async Task Discovery_lists_a_subresource_with_the_kind_and_verbs_it_registered(string name, string kind, string? groupVersion, string verbs)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("/api/v1", ct);

        var resources = (await response.ReadObjectAsync(ct))["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var entry = resources.Single(r => (string?)r["name"] == name);
        var version = (string?)entry["group"] is { } g ? g + "/" + (string?)entry["version"] : null;
        Assert.Equal((kind, groupVersion, verbs), ((string?)entry["kind"], version, string.Join(',', entry["verbs"]!.AsArray().Select(v => (string?)v))));
        var resource = name.Split('/')[0];
        var subresourceNames = resources.Select(r => (string)r["name"]!).Where(n => n.StartsWith(resource + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal(subresourceNames.Order(StringComparer.Ordinal), subresourceNames);
    }
}
