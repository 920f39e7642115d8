using System.Net;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;

namespace FakeApiServer.Tests.Features;

/// <summary>GET /metrics: the kubernetes_feature_enabled gauge as kube-apiserver exposes it.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_expose_every_gate_with_its_stage_and_state_in_prometheus_text()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { FeatureGates = FeatureGates.Parse("MultiNetwork=true") }, ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("metrics", ct);
        var text = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var lines = text.Split('\n');
        Assert.Contains("# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.", lines);
        Assert.Contains("# TYPE kubernetes_feature_enabled gauge", lines);
        Assert.Contains("kubernetes_feature_enabled{name=\"MultiNetwork\",stage=\"ALPHA\"} 1", lines);
        Assert.Single(lines, line => line.StartsWith("kubernetes_feature_enabled{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gate_at_its_default_off_reads_0()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        var text = await http.GetStringAsync("metrics", ct);

        Assert.Contains("kubernetes_feature_enabled{name=\"MultiNetwork\",stage=\"ALPHA\"} 0\n", text, StringComparison.Ordinal);
    }
}
