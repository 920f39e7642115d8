using System.Net;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;
using static FakeApiServer.Tests.Security.SecurityTestSupport;

namespace FakeApiServer.Tests.Security.Authorization;

/// <summary>--authorization-mode through the KubernetesClient, other users by impersonation.</summary>
public sealed class AuthorizationApiTests
{
    private static readonly FakeClusterOptions Rbac = new() { AuthorizationMode = "RBAC" };

    [Fact]
    public async Task Rbac_forbids_what_no_binding_grants_with_upstreams_messages()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        using var bob = cluster.As("bob");

        var list = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct));
        var status = list.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "configmaps is forbidden: User \"bob\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"");
        Assert.Equal("configmaps", (string?)status["details"]?["kind"]);

        var clusterScope = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespaceAsync(cancellationToken: ct));
        clusterScope.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");

        var named = await Assert.ThrowsAsync<HttpOperationException>(() => bob.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct));
        named.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "deployments.apps \"web\" is forbidden: User \"bob\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"default\"");

        var subresource = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ReadNamespacedPodStatusAsync("web", "default", cancellationToken: ct));
        subresource.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"web\" is forbidden: User \"bob\" cannot get resource \"pods/status\" in API group \"\" in the namespace \"default\"");

        using var http = cluster.HttpAs("bob");
        using var path = await http.GetAsync("/foo", ct);
        await path.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", "forbidden: User \"bob\" cannot get path \"/foo\"", ct);

        // system:discovery and system:public-info-viewer are bound to every authenticated user.
        using var version = await http.GetAsync("/version", ct);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        using var apis = await http.GetAsync("/apis", ct);
        Assert.Equal(HttpStatusCode.OK, apis.StatusCode);
    }

    [Fact]
    public async Task A_RoleBinding_of_view_lets_its_user_read_in_that_namespace_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        using var bob = cluster.As("bob");
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), "default", cancellationToken: ct);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-view", "ClusterRole", "view", User("bob")), "default", cancellationToken: ct);

        var configMaps = await bob.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        Assert.Contains(configMaps.Items, c => c.Name() == "settings");
        Assert.Equal("settings", (await bob.CoreV1.ReadNamespacedConfigMapAsync("settings", "default", cancellationToken: ct)).Name());

        var create = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("mine"), "default", cancellationToken: ct));
        create.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "configmaps is forbidden: User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"");
        var secrets = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespacedSecretAsync("default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, secrets.Response.StatusCode);
        var elsewhere = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespacedConfigMapAsync("kube-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.Response.StatusCode);

        // Deleting the binding takes the access away at once.
        await cluster.Client.RbacAuthorizationV1.DeleteNamespacedRoleBindingAsync("bob-view", "default", cancellationToken: ct);
        var after = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, after.Response.StatusCode);
    }

    [Fact]
    public async Task Groups_and_service_accounts_are_subjects_and_a_service_account_namespace_defaults_to_the_bindings()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            RoleBinding("readers", "ClusterRole", "view",
                new Rbacv1Subject { Kind = "Group", Name = "readers", ApiGroup = "rbac.authorization.k8s.io" },
                new Rbacv1Subject { Kind = "ServiceAccount", Name = "x" }),
            "default", cancellationToken: ct);

        using var member = cluster.As("carol", "readers");
        Assert.NotNull(await member.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct));
        using var serviceAccount = cluster.As("system:serviceaccount:default:x");
        Assert.NotNull(await serviceAccount.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct));
        using var otherServiceAccount = cluster.As("system:serviceaccount:kube-system:x");
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => otherServiceAccount.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
    }

    [Fact]
    public async Task A_binding_to_a_missing_role_is_named_in_the_reason()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        await cluster.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(
            new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "dangling" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "nope" },
                Subjects = [User("bob")],
            },
            cancellationToken: ct);
        using var bob = cluster.As("bob");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct));
        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\": RBAC: clusterrole.rbac.authorization.k8s.io \"nope\" not found");
    }

    [Fact]
    public async Task The_default_mode_allows_every_user()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var bob = cluster.As("bob");
        Assert.NotEmpty((await bob.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Items);
        Assert.NotNull(await bob.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("anyone"), "default", cancellationToken: ct));
    }

    [Fact]
    public async Task AlwaysDeny_forbids_everyone_but_system_masters()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AuthorizationMode = "AlwaysDeny" }, ct);
        Assert.NotEmpty((await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Items);

        using var bob = cluster.As("bob");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => bob.CoreV1.ListNamespaceAsync(cancellationToken: ct));
        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope: Everything is forbidden.");
    }
}
