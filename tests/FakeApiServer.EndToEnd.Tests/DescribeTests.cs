using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl describe: two GETs (one asking for protobuf with a JSON fallback) and the events list.</summary>
public sealed class DescribeTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Describe_shows_configmaps_pods_and_deployments(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("app.yaml", E2E.Manifest("shop")))).Succeeded();

        var results = await Task.WhenAll(
            kubectl.RunAsync("describe", "cm", "settings", "-n", "shop"),
            kubectl.RunAsync("describe", "pod", "worker", "-n", "shop"),
            kubectl.RunAsync("describe", "deploy", "web", "-n", "shop"),
            kubectl.RunAsync("describe", "svc", "kubernetes"));
        var (cm, pod, deploy, svc) = (results[0].Succeeded(), results[1].Succeeded(), results[2].Succeeded(), results[3].Succeeded());

        Assert.Equal(["Name:", "settings"], Field(cm, "Name:"));
        Assert.Equal(["Namespace:", "shop"], Field(cm, "Namespace:"));
        Assert.Equal(["Labels:", "app=web"], Field(cm, "Labels:"));
        Assert.Contains("color:\n----\nblue\n", cm.Stdout, StringComparison.Ordinal);
        Assert.Contains("size:\n----\n3\n", cm.Stdout, StringComparison.Ordinal);
        Assert.Equal(["Events:", "<none>"], Field(cm, "Events:"));

        Assert.Equal(["Name:", "worker"], Field(pod, "Name:"));
        Assert.Equal(["Status:", "Pending"], Field(pod, "Status:"));
        Assert.Equal(["Image:", "busybox:1.36"], Field(pod, "Image:"));
        Assert.Equal(["QoS", "Class:", "Burstable"], Field(pod, "QoS"));
        Assert.Contains("      cpu:        100m\n", pod.Stdout, StringComparison.Ordinal);

        Assert.Equal(["Name:", "web"], Field(deploy, "Name:"));
        Assert.Equal(["Selector:", "app=web"], Field(deploy, "Selector:"));
        Assert.Equal(["Image:", "nginx:1.27"], Field(deploy, "Image:"));

        Assert.Equal(["IP:", "10.96.0.1"], Field(svc, "IP:"));
    }

    /// <summary>The first line starting with <paramref name="label"/>, split on spaces.</summary>
    private static string[] Field(KubectlResult result, string label)
    {
        var line = result.Lines.FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal));
        Assert.True(line is not null, $"no \"{label}\" line in: {result}");
        return KubectlResult.Columns(line);
    }
}
