using System.Net;
using System.Text;
using FakeApiServer.Security.Tls;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security.Authentication;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Security.Tls;

/// <summary>Serving HTTPS: the KubernetesClient with the written kubeconfig, HTTP/2, and watches streaming over it.</summary>
public sealed class TlsServingTests
{
    [Fact]
    public async Task The_written_kubeconfig_carries_https_the_CA_and_the_admin_client_certificate_and_the_client_works_with_it()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with { Tls = new TlsOptions { Enabled = true }, Authentication = new() { Anonymous = false } }, ct);
        var text = server.Host.RenderKubeconfig();
        Assert.Contains("server: https://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("certificate-authority-data: ", text, StringComparison.Ordinal);
        Assert.Contains("client-certificate-data: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token:", text, StringComparison.Ordinal);

        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(text));
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ApiTestSupport.ConfigMap("over-tls"), "default", cancellationToken: ct);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("over-tls", "default", cancellationToken: ct);

        Assert.Equal("1", read.Data["a"]);
    }

    [Fact]
    public async Task A_fake_cluster_with_tls_serves_its_client_and_streams_watch_events()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        Assert.Equal("https", cluster.BaseAddress.Scheme);
        var list = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);

        await using var events = cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", resourceVersion: list.ResourceVersion(), cancellationToken: ct).GetAsyncEnumerator(ct);
        var next = events.MoveNextAsync();
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ApiTestSupport.ConfigMap("watched"), "default", cancellationToken: ct);

        Assert.True(await next);
        Assert.Equal((WatchEventType.Added, "watched"), (events.Current.Item1, events.Current.Item2.Name()));
    }

    [Fact]
    public async Task Http2_over_tls_serves_requests_and_streams_a_watch()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var http = cluster.CreateHttpClient();
        http.DefaultRequestVersion = HttpVersion.Version20;
        http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var get = await http.GetAsync("/api/v1/namespaces/default", ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpVersion.Version20, get.Version);

        await using var events = http.WatchAsync("/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dvia-h2", ct).GetAsyncEnumerator(ct);
        var next = events.MoveNextAsync();
        await Task.Delay(100, ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ApiTestSupport.ConfigMap("via-h2"), "default", cancellationToken: ct);
        Assert.True(await next);
        Assert.Equal("ADDED", (string?)events.Current["type"]);
        Assert.Equal("via-h2", (string?)events.Current["object"]!["metadata"]!["name"]);
    }
}
