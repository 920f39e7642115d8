using System.Net;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Tls;
using FakeApiServer.Testing;
using k8s;
using FakeApiServer.Tests.Security.Authentication;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// The header fields kube-apiserver puts on every response: Cache-Control "no-cache, private" (its WithCacheControl
/// filter, outside authentication) and no Server field (Go's net/http sends none).
/// </summary>
public sealed class ResponseHeaderTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/default/configmaps/settings", HttpStatusCode.OK)]
    [InlineData("/api/v1/namespaces/default/configmaps/missing", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/namespaces/default/configmaps?limit=1", HttpStatusCode.OK)]
    [InlineData("/version", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/apis", HttpStatusCode.OK)]
    [InlineData("/no/such/path", HttpStatusCode.NotFound)]
    public async Task Every_answer_says_no_cache_private_and_names_no_server(string path, HttpStatusCode expected)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync(path, ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("no-cache, private", Assert.Single(response.Headers.GetValues("Cache-Control")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task A_write_and_a_watch_say_it_too()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var created = await http.PostAsync(
            "/api/v1/namespaces/default/configmaps", Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"""), ct);
        using var watch = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead, ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("no-cache, private", Assert.Single(created.Headers.GetValues("Cache-Control")));
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        Assert.Equal("no-cache, private", Assert.Single(watch.Headers.GetValues("Cache-Control")));
    }

    [Fact]
    public async Task A_request_that_fails_authentication_gets_it_as_well()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with
            {
                Tls = new TlsOptions { Enabled = true },
                Authentication = new AuthenticationOptions { TokenAuthFile = SecuredServer.TokenFile("good,alice,1") },
            },
            ct);
        using var http = server.Client(token: "wrong");

        using var response = await http.GetAsync("/api/v1/namespaces", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("no-cache, private", Assert.Single(response.Headers.GetValues("Cache-Control")));
        Assert.False(response.Headers.Contains("Server"));
    }
}
