using System.Text.Json.Nodes;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// metadata.generation as kubectl shows it against kube-apiserver 1.33: a ConfigMap never has one, whatever the write;
/// a Deployment starts at 1 and counts template changes, not label changes.
/// </summary>
public sealed class GenerationTests
{
    private const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: "1"
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task ConfigMap_shows_no_generation_after_apply_replace_patches_and_server_side_apply(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("cm.yaml", ConfigMap);
        var seen = new List<JsonObject>();

        (await kubectl.RunAsync("apply", "-f", file)).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        (await kubectl.RunAsync("replace", "-f", kubectl.WriteFile("cm2.yaml", ConfigMap.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)))).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        (await kubectl.RunAsync("patch", "configmap", "settings", "--type=merge", "-p", """{"data":{"a":"3"}}""")).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        (await kubectl.RunAsync("patch", "configmap", "settings", "--type=strategic", "-p", """{"data":{"a":"4"}}""")).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        (await kubectl.RunAsync("patch", "configmap", "settings", "--type=json", "-p", """[{"op":"replace","path":"/data/a","value":"5"}]""")).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        (await kubectl.RunAsync("apply", "--server-side", "--force-conflicts", "-f", kubectl.WriteFile("cm6.yaml", ConfigMap.Replace("\"1\"", "\"6\"", StringComparison.Ordinal)))).Succeeded();
        seen.Add(await GetAsync(kubectl, "configmap", "settings"));
        var yaml = (await kubectl.RunAsync("get", "configmap", "settings", "-o", "yaml")).Succeeded();

        Assert.Equal(["1", "2", "3", "4", "5", "6"], seen.Select(c => (string?)c["data"]?["a"]));
        Assert.All(seen, c => Assert.False(c["metadata"]!.AsObject().ContainsKey("generation"), c.ToJsonString()));
        Assert.DoesNotContain("generation", yaml.Stdout, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deployment_generation_counts_template_changes_not_label_changes(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("create", "deployment", "web", "--image=nginx:1.27")).Succeeded();
        var created = await GetAsync(kubectl, "deployment", "web");
        (await kubectl.RunAsync("label", "deployment", "web", "tier=front")).Succeeded();
        var labelled = await GetAsync(kubectl, "deployment", "web");
        (await kubectl.RunAsync("set", "image", "deployment/web", "nginx=nginx:1.28")).Succeeded();
        var templated = await GetAsync(kubectl, "deployment", "web");

        Assert.Equal(1, (long?)created["metadata"]?["generation"]);
        Assert.Equal("front", (string?)labelled["metadata"]?["labels"]?["tier"]);
        Assert.Equal(1, (long?)labelled["metadata"]?["generation"]);
        Assert.Equal("nginx:1.28", (string?)templated["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]);
        Assert.Equal(2, (long?)templated["metadata"]?["generation"]);
    }

    private static async Task<JsonObject> GetAsync(Kubectl kubectl, string kind, string name) =>
        JsonNode.Parse((await kubectl.RunAsync("get", kind, name, "-o", "json")).Succeeded().Stdout)!.AsObject();
}
