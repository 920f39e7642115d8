using System.Net;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;
using static FakeApiServer.Tests.Security.SecurityTestSupport;

namespace FakeApiServer.Tests.Apis.Rbac;

/// <summary>rbac.authorization.k8s.io/v1: validation, escalation checks, the bootstrap policy and aggregation.</summary>
public sealed class RbacApiTests
{
    private static V1Role Role(string name, params V1PolicyRule[] rules) => new() { Metadata = new V1ObjectMeta { Name = name }, Rules = rules };

    [Fact]
    public async Task A_writer_may_grant_only_what_they_hold_unless_they_may_bind_or_escalate()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AuthorizationMode = "RBAC" }, ct);
        var rbac = cluster.Client.RbacAuthorizationV1;
        await rbac.CreateNamespacedRoleBindingAsync(RoleBinding("bob-admin", "ClusterRole", "admin", User("bob")), "default", cancellationToken: ct);
        using var bob = cluster.As("bob");

        // admin holds secrets through edit: granting them is fine.
        await bob.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("secret-reader", Rule(["get", "list"], [""], ["secrets"])), "default", cancellationToken: ct);

        var role = await Assert.ThrowsAsync<HttpOperationException>(() =>
            bob.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("node-reader", Rule(["get", "list"], [""], ["nodes", "pods"])), "default", cancellationToken: ct));
        role.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "roles.rbac.authorization.k8s.io \"node-reader\" is forbidden: user \"bob\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\" \"list\"]}");

        var binding = await Assert.ThrowsAsync<HttpOperationException>(() =>
            bob.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("mine", "ClusterRole", "cluster-admin", User("bob")), "default", cancellationToken: ct));
        binding.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "rolebindings.rbac.authorization.k8s.io \"mine\" is forbidden: user \"bob\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}\n{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}");

        // "bind" on the role (here by name) waives the check for bindings, "escalate" for roles.
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "delegator" },
            Rules =
            [
                new V1PolicyRule { Verbs = ["bind"], ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["clusterroles"], ResourceNames = ["cluster-admin"] },
                Rule(["escalate"], ["rbac.authorization.k8s.io"], ["roles"]),
            ],
        }, cancellationToken: ct);
        await rbac.CreateNamespacedRoleBindingAsync(RoleBinding("bob-delegator", "ClusterRole", "delegator", User("bob")), "default", cancellationToken: ct);
        await bob.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("mine", "ClusterRole", "cluster-admin", User("bob")), "default", cancellationToken: ct);
        await bob.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("node-reader", Rule(["get", "list"], [""], ["nodes"])), "default", cancellationToken: ct);
    }

    [Fact]
    public async Task Rules_need_verbs_and_a_Role_no_non_resource_urls()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;

        var noVerbs = await Assert.ThrowsAsync<HttpOperationException>(() =>
            rbac.CreateNamespacedRoleAsync(Role("r", new V1PolicyRule { ApiGroups = [""], Resources = ["pods"] }), "default", cancellationToken: ct));
        noVerbs.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value");

        var urls = await Assert.ThrowsAsync<HttpOperationException>(() =>
            rbac.CreateNamespacedRoleAsync(Role("r", new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz"] }), "default", cancellationToken: ct));
        urls.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs");

        var clusterRole = await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "system:health" },
            Rules = [new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz"] }],
        }, cancellationToken: ct);
        Assert.Equal("/healthz", clusterRole.Rules.Single().NonResourceURLs.Single());
    }

    [Fact]
    public async Task A_binding_defaults_api_groups_and_its_roleRef_cannot_change()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;
        var created = await rbac.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "b" },
                RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = "view" },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = "bob" }],
            },
            "default", cancellationToken: ct);
        Assert.Equal("rbac.authorization.k8s.io", created.RoleRef.ApiGroup);
        Assert.Equal("rbac.authorization.k8s.io", created.Subjects.Single().ApiGroup);

        created.RoleRef.Name = "edit";
        var changed = await Assert.ThrowsAsync<HttpOperationException>(() => rbac.ReplaceNamespacedRoleBindingAsync(created, "b", "default", cancellationToken: ct));
        changed.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "RoleBinding.rbac.authorization.k8s.io \"b\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef");

        var robot = await Assert.ThrowsAsync<HttpOperationException>(() => rbac.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "c" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "view" },
            Subjects = [new Rbacv1Subject { Kind = "Robot", Name = "r2" }, new Rbacv1Subject { Kind = "ServiceAccount", Name = "x" }],
        }, cancellationToken: ct));
        robot.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "ClusterRoleBinding.rbac.authorization.k8s.io \"c\" is invalid: [roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\", "
            + "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\", subjects[1].namespace: Required value]");
    }

    [Fact]
    public async Task The_bootstrap_policy_is_there_at_start_with_aggregated_roles_filled()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;

        var admin = await rbac.ReadClusterRoleBindingAsync("cluster-admin", cancellationToken: ct);
        Assert.Equal(("Group", "system:masters"), (admin.Subjects.Single().Kind, admin.Subjects.Single().Name));
        Assert.Equal("rbac-defaults", admin.Labels()["kubernetes.io/bootstrapping"]);
        Assert.Equal("true", admin.Annotations()["rbac.authorization.kubernetes.io/autoupdate"]);
        var publicInfo = await rbac.ReadClusterRoleBindingAsync("system:public-info-viewer", cancellationToken: ct);
        Assert.Equal(["system:authenticated", "system:unauthenticated"], publicInfo.Subjects.Select(s => s.Name));

        var view = await rbac.ReadClusterRoleAsync("view", cancellationToken: ct);
        var edit = await rbac.ReadClusterRoleAsync("edit", cancellationToken: ct);
        var adminRole = await rbac.ReadClusterRoleAsync("admin", cancellationToken: ct);
        Assert.Equal("true", view.Labels()["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Contains(view.Rules, r => r.Resources.Contains("configmaps") && r.Verbs.SequenceEqual(["get", "list", "watch"]));
        Assert.Contains(edit.Rules, r => r.Resources.Contains("secrets") && r.Verbs.Contains("create"));
        Assert.Contains(edit.Rules, r => r.Resources.Contains("configmaps") && r.Verbs.Contains("watch"));
        Assert.Contains(adminRole.Rules, r => r.Resources.Contains("rolebindings"));
        Assert.True(adminRole.Rules.Count > edit.Rules.Count && edit.Rules.Count > view.Rules.Count);
    }

    [Fact]
    public async Task An_aggregated_ClusterRole_gathers_the_rules_of_the_roles_it_selects()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("clusterrole-aggregation") }, ct);
        var rbac = cluster.Client.RbacAuthorizationV1;
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "monitoring" },
            AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["team"] = "obs" } }] },
        }, cancellationToken: ct);
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "obs-pods", Labels = new Dictionary<string, string> { ["team"] = "obs" } },
            Rules = [Rule(["get"], [""], ["pods"])],
        }, cancellationToken: ct);
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "obs-nodes", Labels = new Dictionary<string, string> { ["team"] = "obs" } },
            Rules = [Rule(["list"], [""], ["nodes"]), Rule(["get"], [""], ["pods"])],
        }, cancellationToken: ct);

        IList<V1PolicyRule>? rules = null;
        while (rules is not { Count: 2 })
        {
            await Task.Delay(20, ct);
            rules = (await rbac.ReadClusterRoleAsync("monitoring", cancellationToken: ct)).Rules;
        }

        Assert.Equal(["nodes", "pods"], rules.Select(r => r.Resources.Single()));
    }
}
