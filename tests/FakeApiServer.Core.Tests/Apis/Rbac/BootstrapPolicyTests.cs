using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;
using static FakeApiServer.Tests.Security.SecurityTestSupport;

namespace FakeApiServer.Tests.Apis.Rbac;

/// <summary>The bootstrap RBAC policy's controller roles, and its reconciliation at every start on a kept data folder.</summary>
public sealed class BootstrapPolicyTests
{
    private const string AutoUpdate = "rbac.authorization.kubernetes.io/autoupdate";
    private const string DeploymentController = "system:controller:deployment-controller";

    [Fact]
    public async Task The_controller_roles_and_bindings_are_there_at_start()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;

        var roles = await rbac.ListClusterRoleAsync(labelSelector: "kubernetes.io/bootstrapping=rbac-defaults", cancellationToken: ct);
        var names = roles.Items.Select(r => r.Name()).ToHashSet();
        foreach (var controller in new[]
        {
            "deployment-controller", "replicaset-controller", "job-controller", "cronjob-controller", "statefulset-controller", "daemon-set-controller",
            "namespace-controller", "generic-garbage-collector", "service-account-controller", "root-ca-cert-publisher", "resourcequota-controller",
            "disruption-controller", "endpoint-controller", "endpointslice-controller", "ttl-after-finished-controller", "pod-garbage-collector",
            "certificate-controller", "persistent-volume-binder", "node-controller", "clusterrole-aggregation-controller",
        })
        {
            Assert.Contains("system:controller:" + controller, names);
        }

        Assert.Contains("system:monitoring", names);
        Assert.Contains("system:kube-dns", names);
        Assert.Equal("system:monitoring", (await rbac.ReadClusterRoleBindingAsync("system:monitoring", cancellationToken: ct)).Subjects.Single().Name);

        var role = await rbac.ReadClusterRoleAsync(DeploymentController, cancellationToken: ct);
        Assert.Equal("true", role.Annotations()[AutoUpdate]);
        Assert.Equal("rbac-defaults", role.Labels()["kubernetes.io/bootstrapping"]);
        var deployments = role.Rules[0];
        Assert.Equal(["apps", "extensions"], deployments.ApiGroups);
        Assert.Equal(["deployments"], deployments.Resources);
        Assert.Equal(["get", "list", "update", "watch"], deployments.Verbs);

        var binding = await rbac.ReadClusterRoleBindingAsync(DeploymentController, cancellationToken: ct);
        Assert.Equal(("ClusterRole", DeploymentController), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = binding.Subjects.Single();
        Assert.Equal(("ServiceAccount", "deployment-controller", "kube-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Equal("true", binding.Annotations()[AutoUpdate]);
    }

    [Fact]
    public async Task The_deployment_controller_account_may_update_deployments_by_RBAC()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AuthorizationMode = "RBAC" }, ct);

        var update = await Review(cluster, "update", "apps", "deployments", ct);
        var secrets = await Review(cluster, "get", "", "secrets", ct);

        Assert.True(update.Status.Allowed);
        Assert.Equal(
            $"RBAC: allowed by ClusterRoleBinding \"{DeploymentController}\" of ClusterRole \"{DeploymentController}\" to ServiceAccount \"deployment-controller/kube-system\"",
            update.Status.Reason);
        Assert.False(secrets.Status.Allowed);
    }

    [Fact]
    public async Task A_restart_adds_back_what_was_removed_unless_autoupdate_is_false()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var dir = Directory.CreateTempSubdirectory("rbac-bootstrap-");
        try
        {
            await using (var first = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct))
            {
                var rbac = first.Client.RbacAuthorizationV1;
                var role = await rbac.ReadClusterRoleAsync(DeploymentController, cancellationToken: ct);
                role.Rules.RemoveAt(0);
                role.Rules.Add(Rule(["get"], [""], ["configmaps"]));
                await rbac.ReplaceClusterRoleAsync(role, DeploymentController, cancellationToken: ct);

                var pinned = await rbac.ReadClusterRoleAsync("system:controller:job-controller", cancellationToken: ct);
                pinned.Rules.RemoveAt(0);
                pinned.Metadata.Annotations[AutoUpdate] = "false";
                await rbac.ReplaceClusterRoleAsync(pinned, "system:controller:job-controller", cancellationToken: ct);

                var binding = await rbac.ReadClusterRoleBindingAsync("system:controller:cronjob-controller", cancellationToken: ct);
                binding.Subjects = [User("alice")];
                await rbac.ReplaceClusterRoleBindingAsync(binding, binding.Name(), cancellationToken: ct);

                await rbac.DeleteClusterRoleBindingAsync("system:controller:replicaset-controller", cancellationToken: ct);
                await rbac.DeleteClusterRoleAsync("system:controller:replicaset-controller", cancellationToken: ct);
                await rbac.DeleteClusterRoleBindingAsync("system:controller:namespace-controller", cancellationToken: ct);
                await rbac.CreateClusterRoleBindingAsync(RoleBindingFor("system:controller:namespace-controller", "view"), cancellationToken: ct);
            }

            await using var second = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct);
            var again = second.Client.RbacAuthorizationV1;

            var repaired = await again.ReadClusterRoleAsync(DeploymentController, cancellationToken: ct);
            Assert.Contains(repaired.Rules, r => r.Resources.SequenceEqual(["configmaps"]));
            Assert.Contains(repaired.Rules, r => r.Resources.SequenceEqual(["deployments"]) && r.ApiGroups.SequenceEqual(["apps"]) && r.Verbs.SequenceEqual(["update"]));
            Assert.Contains(repaired.Rules, r => r.Resources.SequenceEqual(["deployments"]) && r.ApiGroups.SequenceEqual(["extensions"]) && r.Verbs.SequenceEqual(["get"]));

            var untouched = await again.ReadClusterRoleAsync("system:controller:job-controller", cancellationToken: ct);
            Assert.DoesNotContain(untouched.Rules, r => r.Resources.SequenceEqual(["jobs"]));

            var subjects = (await again.ReadClusterRoleBindingAsync("system:controller:cronjob-controller", cancellationToken: ct)).Subjects;
            Assert.Equal([("User", "alice"), ("ServiceAccount", "cronjob-controller")], subjects.Select(s => (s.Kind, s.Name)));

            Assert.NotEmpty((await again.ReadClusterRoleAsync("system:controller:replicaset-controller", cancellationToken: ct)).Rules);
            Assert.NotNull(await again.ReadClusterRoleBindingAsync("system:controller:replicaset-controller", cancellationToken: ct));

            var recreated = await again.ReadClusterRoleBindingAsync("system:controller:namespace-controller", cancellationToken: ct);
            Assert.Equal("system:controller:namespace-controller", recreated.RoleRef.Name);
            Assert.Equal([("User", "alice"), ("ServiceAccount", "namespace-controller")], recreated.Subjects.Select(s => (s.Kind, s.Name)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static V1ClusterRoleBinding RoleBindingFor(string name, string role) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
        Subjects = [User("alice")],
    };

    private static Task<V1SubjectAccessReview> Review(FakeCluster cluster, string verb, string group, string resource, CancellationToken ct) =>
        cluster.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = "system:serviceaccount:kube-system:deployment-controller",
                Groups = ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
                ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = resource, NamespaceProperty = "default" },
            },
        }, cancellationToken: ct);
}
