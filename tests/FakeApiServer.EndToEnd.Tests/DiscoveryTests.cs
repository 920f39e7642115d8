using System.Globalization;
using System.Text.Json;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl api-resources, api-versions, version and explain: discovery (aggregated v2beta1 for 1.27-1.29, v2 for 1.30+), /version and OpenAPI v3.</summary>
public sealed class DiscoveryTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Api_resources_and_api_versions_list_what_the_server_serves(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var results = await Task.WhenAll(
            kubectl.RunAsync("api-resources"),
            kubectl.RunAsync("api-versions"),
            kubectl.RunAsync("api-resources", "--api-group=apps", "-o", "name"),
            kubectl.RunAsync("api-resources", "--namespaced=false", "-o", "name"));
        var (resources, versions, apps, clusterScoped) = (results[0].Succeeded(), results[1].Succeeded(), results[2].Succeeded(), results[3].Succeeded());

        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], resources.Header());
        Assert.Equal(["pods", "po", "v1", "true", "Pod"], resources.Row("pods"));
        Assert.Equal(["configmaps", "cm", "v1", "true", "ConfigMap"], resources.Row("configmaps"));
        Assert.Equal(["namespaces", "ns", "v1", "false", "Namespace"], resources.Row("namespaces"));
        Assert.Equal(["deployments", "deploy", "apps/v1", "true", "Deployment"], resources.Row("deployments"));
        Assert.Equal(["leases", "coordination.k8s.io/v1", "true", "Lease"], resources.Row("leases"));
        Assert.DoesNotContain(resources.Lines, l => l.Contains('/', StringComparison.Ordinal) && l.StartsWith("pods/", StringComparison.Ordinal));

        Assert.Contains("v1", versions.Lines);
        Assert.Contains("apps/v1", versions.Lines);
        Assert.Contains("coordination.k8s.io/v1", versions.Lines);
        Assert.Equal(versions.Lines.Order(StringComparer.Ordinal), versions.Lines);

        Assert.Contains("deployments.apps", apps.Lines);
        Assert.Contains("replicasets.apps", apps.Lines);
        Assert.All(apps.Lines, l => Assert.EndsWith(".apps", l, StringComparison.Ordinal));
        Assert.Contains("namespaces", clusterScoped.Lines);
        Assert.Contains("nodes", clusterScoped.Lines);
        Assert.DoesNotContain("pods", clusterScoped.Lines);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Version_prints_the_server_version(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var served = JsonDocument.Parse(await http.GetStringAsync(new Uri("/version", UriKind.Relative), timeout.Token));
        var serverGitVersion = served.RootElement.GetProperty("gitVersion").GetString();
        var serverMinor = int.Parse(served.RootElement.GetProperty("minor").GetString()!, CultureInfo.InvariantCulture);

        var results = await Task.WhenAll(kubectl.RunAsync("version", "-o", "json"), kubectl.RunAsync("version", "-o", "yaml"));
        var (json, yaml) = (results[0], results[1]);

        using var printed = JsonDocument.Parse(json.Stdout);
        Assert.Equal(serverGitVersion, printed.RootElement.GetProperty("serverVersion").GetProperty("gitVersion").GetString());
        Assert.Equal("1", printed.RootElement.GetProperty("serverVersion").GetProperty("major").GetString());
        Assert.Contains($"  gitVersion: {serverGitVersion}\n", yaml.Stdout, StringComparison.Ordinal);

        // kubectl warns (and only warns) when the server is more than one minor version away from it.
        var clientMinor = KubectlTool.MinorOf(version) ?? serverMinor;
        var expected = Math.Abs(clientMinor - serverMinor) > 1
            ? $"WARNING: version difference between client (1.{clientMinor}) and server (1.{serverMinor}) exceeds the supported minor version skew of +/-1\n"
            : "";
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0 && result.Stderr == expected, $"expected exit code 0 and stderr \"{expected}\": {result}");
        }
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Explain_renders_kinds_from_openapi_v3(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var results = await Task.WhenAll(kubectl.RunAsync("explain", "configmap"), kubectl.RunAsync("explain", "deployments.metadata"));
        var (configMap, metadata) = (results[0].Succeeded(), results[1].Succeeded());

        Assert.Equal(["KIND:", "ConfigMap"], KubectlResult.Columns(configMap.Lines[0]));
        Assert.Equal(["VERSION:", "v1"], KubectlResult.Columns(configMap.Lines[1]));
        Assert.Contains(configMap.Lines, l => l.StartsWith("metadata\t<ObjectMeta>", StringComparison.Ordinal));
        Assert.Contains(metadata.Lines, l => l.StartsWith("labels\t<map[string]string>", StringComparison.Ordinal));
    }
}
