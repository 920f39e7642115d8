using FakeApiServer.Testing.Xunit;
using k8s;

namespace FakeApiServer.Testing.Tests;

// docs/testing.md shows this class: one cluster for the class, reset before each test.
public sealed class ClassFixtureTests(FakeClusterFixture fixture) : FakeClusterTest<FakeClusterFixture>(fixture)
{
    private const string App = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app-settings
          namespace: default
        data:
          mode: test
        """;

    [Fact]
    public async Task FirstTestSeesACleanCluster()
    {
        var configMaps = await Cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.DoesNotContain(configMaps.Items, c => c.Metadata.Name == "app-settings");

        await Cluster.ApplyAsync(App, CancellationToken.None);
        var applied = await Cluster.WaitForAsync(
            "v1", "ConfigMap", "default", "app-settings", c => (string?)c["data"]?["mode"] == "test", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("test", (string?)applied["data"]?["mode"]);
    }

    [Fact]
    public async Task SecondTestSeesACleanCluster()
    {
        var configMaps = await Cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.DoesNotContain(configMaps.Items, c => c.Metadata.Name == "app-settings");

        await Cluster.ApplyAsync(App, CancellationToken.None);
    }
}
