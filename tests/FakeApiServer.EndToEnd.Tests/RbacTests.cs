using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl auth can-i, auth can-i --list, auth whoami, create rolebinding and --as against --authorization-mode=RBAC.</summary>
public sealed class RbacTests
{
    private static readonly FakeClusterOptions Rbac = new() { AuthorizationMode = "RBAC" };

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Can_i_follows_a_RoleBinding_and_a_refused_get_prints_upstreams_error(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(Rbac, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var before = await kubectl.RunAsync("auth", "can-i", "list", "pods", "--as=bob");
        Assert.True(before.ExitCode != 0 && before.Stdout == "no\n", "expected \"no\": " + before);

        (await kubectl.RunAsync("create", "rolebinding", "bob-view", "--clusterrole=view", "--user=bob", "-n", "default")).Succeeded();
        (await kubectl.RunAsync("auth", "can-i", "list", "pods", "--as=bob", "-n", "default")).Succeeded();
        var list = (await kubectl.RunAsync("auth", "can-i", "--list", "--as=bob", "-n", "default")).Succeeded();
        Assert.Equal(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"], list.Header());
        Assert.Equal(["pods", "[]", "[]", "[get", "list", "watch]"], list.Row("pods"));
        Assert.Equal(["[/healthz]", "[]", "[get]"], list.Row("[/healthz]"));
        Assert.DoesNotContain(list.Lines, l => l.StartsWith("secrets ", StringComparison.Ordinal));

        (await kubectl.RunAsync("get", "pods", "--as=bob", "-n", "kube-system")).FailedWith(
            "Error from server (Forbidden): pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");

        var bindings = (await kubectl.RunAsync("get", "rolebindings", "-n", "default", "-o", "wide")).Succeeded();
        Assert.Equal(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], bindings.Header());
        Assert.Equal(["bob-view", "ClusterRole/view"], bindings.Row("bob-view").Take(2));
        Assert.Equal("bob", bindings.Row("bob-view")[3]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Can_i_list_as_a_service_account_reflects_a_RoleBinding_created_a_moment_before(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(Rbac, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("create", "rolebinding", "x-edit", "--clusterrole=edit", "--serviceaccount=default:x", "-n", "default")).Succeeded();
        var list = (await kubectl.RunAsync("auth", "can-i", "--list", "--as=system:serviceaccount:default:x")).Succeeded();

        Assert.Equal(["configmaps", "[]", "[]", "[create", "delete", "deletecollection", "patch", "update", "get", "list", "watch]"], list.Row("configmaps"));
        var elsewhere = (await kubectl.RunAsync("auth", "can-i", "--list", "--as=system:serviceaccount:default:x", "-n", "kube-system")).Succeeded();
        Assert.DoesNotContain(elsewhere.Lines, l => l.StartsWith("configmaps ", StringComparison.Ordinal));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Whoami_shows_the_impersonated_user_and_groups(string version)
    {
        using var timeout = E2E.Timeout();

        // kubectl 1.27 asks authentication.k8s.io/v1beta1, a beta version served only when enabled.
        var options = Rbac with { RuntimeConfig = new Dictionary<string, bool> { ["authentication.k8s.io/v1beta1"] = true } };
        await using var cluster = await FakeCluster.StartAsync(options, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var whoami = (await kubectl.RunAsync("auth", "whoami", "--as=bob", "--as-group=g")).Succeeded();
        Assert.Equal(["ATTRIBUTE", "VALUE"], whoami.Header());
        Assert.Equal(["Username", "bob"], whoami.Row("Username"));
        Assert.Equal(["Groups", "[g", "system:authenticated]"], whoami.Row("Groups"));
    }
}
