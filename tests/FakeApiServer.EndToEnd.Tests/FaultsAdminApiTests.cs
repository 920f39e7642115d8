using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>The faults admin API (--admin-api) driven by kubectl's raw requests.</summary>
public sealed class FaultsAdminApiTests
{
    private const string Rule = """{"verb":"get","resource":"configmaps","name":"settings","statusCode":503,"times":1}""";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Kubectl_adds_lists_and_removes_a_fault_that_answers_the_next_get_with_503(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, AdminApi = true }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "configmap", "settings", "--from-literal=a=1")).Succeeded();

        var added = (await kubectl.RunAsync("create", "--raw", "/fakeapiserver/v1/faults", "-f", kubectl.WriteFile("rule.json", Rule))).Succeeded();
        Assert.Contains("\"id\":\"fault-1\"", added.Stdout, StringComparison.Ordinal);
        var listed = (await kubectl.RunAsync("get", "--raw", "/fakeapiserver/v1/faults")).Succeeded();
        Assert.Contains("\"kind\":\"FaultRuleList\"", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"times\":1", listed.Stdout, StringComparison.Ordinal);

        var refused = await kubectl.RunAsync("get", "configmap", "settings");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.Stderr.Contains("Error from server (ServiceUnavailable)", StringComparison.Ordinal), refused.ToString());
        // Used once, the rule is gone and the object is served.
        (await kubectl.RunAsync("get", "configmap", "settings")).Succeeded();
        Assert.DoesNotContain("fault-1", (await kubectl.RunAsync("get", "--raw", "/fakeapiserver/v1/faults")).Succeeded().Stdout, StringComparison.Ordinal);

        (await kubectl.RunAsync("create", "--raw", "/fakeapiserver/v1/faults", "-f", kubectl.WriteFile("rule2.json", Rule))).Succeeded();
        (await kubectl.RunAsync("delete", "--raw", "/fakeapiserver/v1/faults/fault-2")).Succeeded();
        Assert.Empty(cluster.Faults.Active);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_user_outside_system_masters_is_refused(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, AdminApi = true }, ct);
        using var kubectl = Kubectl.For(cluster, version);

        var result = await kubectl.RunAsync("--as=bob", "create", "--raw", "/fakeapiserver/v1/faults", "-f", kubectl.WriteFile("rule.json", Rule));

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(result.Stderr.Contains("forbidden: User \"bob\" cannot post path \"/fakeapiserver/v1/faults\"", StringComparison.Ordinal), result.ToString());
        Assert.Empty(cluster.Faults.Active);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Without_admin_api_the_path_is_not_found(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);

        var result = await kubectl.RunAsync("get", "--raw", "/fakeapiserver/v1/faults");

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(result.Stderr.Contains("NotFound", StringComparison.Ordinal), result.ToString());
    }
}
