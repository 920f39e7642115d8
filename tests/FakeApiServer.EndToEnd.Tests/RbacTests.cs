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
    public async Task The_bootstrap_policy_lets_the_components_do_their_work(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(Rbac, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var bind = await kubectl.RunAsync("auth", "can-i", "create", "pods", "--subresource=binding", "--as=system:kube-scheduler");
        var lease = await kubectl.RunAsync("auth", "can-i", "update", "leases/kube-scheduler", "-n", "kube-system", "--as=system:kube-scheduler");
        var otherLease = await kubectl.RunAsync("auth", "can-i", "update", "leases/other", "-n", "default", "--as=system:kube-scheduler");
        var slices = await kubectl.RunAsync("auth", "can-i", "watch", "endpointslices.discovery.k8s.io", "--as=system:kube-proxy");
        var signer = await kubectl.RunAsync("auth", "can-i", "list", "secrets", "-n", "kube-system", "--as=system:serviceaccount:kube-system:bootstrap-signer");
        var bindings = (await kubectl.RunAsync("get", "rolebindings", "-n", "kube-system", "-o", "wide")).Succeeded();
        var proxier = (await kubectl.RunAsync("get", "clusterrole", "system:node-proxier", "-o", "jsonpath={range .rules[*]}{.apiGroups}{.resources}{.verbs}{\"\\n\"}{end}")).Succeeded();

        Assert.Equal((0, "yes\n"), (bind.ExitCode, bind.Stdout));
        Assert.Equal((0, "yes\n"), (lease.ExitCode, lease.Stdout));
        Assert.Equal((1, "no\n"), (otherLease.ExitCode, otherLease.Stdout));
        Assert.Equal((0, "yes\n"), (slices.ExitCode, slices.Stdout));
        Assert.Equal((0, "yes\n"), (signer.ExitCode, signer.Stdout));
        Assert.Equal(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], bindings.Header());
        Assert.Equal(["system::leader-locking-kube-scheduler", "Role/system::leader-locking-kube-scheduler"], bindings.Row("system::leader-locking-kube-scheduler").Take(2));
        Assert.Equal(["system:kube-scheduler", "kube-system/kube-scheduler"], bindings.Row("system::leader-locking-kube-scheduler").Skip(3));
        Assert.Equal(
        [
            "[\"\"][\"endpoints\",\"services\"][\"list\",\"watch\"]",
            "[\"\"][\"nodes\"][\"get\",\"list\",\"watch\"]",
            "[\"\",\"events.k8s.io\"][\"events\"][\"create\",\"patch\",\"update\"]",
            "[\"networking.k8s.io\"][\"servicecidrs\"][\"list\",\"watch\"]",
            "[\"discovery.k8s.io\"][\"endpointslices\"][\"list\",\"watch\"]",
        ], proxier.Lines);
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
