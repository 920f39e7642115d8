using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Rbac;

/// <summary>
/// The bootstrap policy's component roles (nodes, kube-proxy, the scheduler, the controller manager, approvers...),
/// their bindings, and the Roles and RoleBindings of kube-system and kube-public, as a client reads them; and their
/// reconciliation at a restart on a kept data folder.
/// </summary>
public sealed class ComponentPolicyTests
{
    private const string AutoUpdate = "rbac.authorization.kubernetes.io/autoupdate";

    [Fact]
    public async Task The_component_roles_are_there_with_upstreams_rules_and_bindings()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;

        var names = (await rbac.ListClusterRoleAsync(labelSelector: "kubernetes.io/bootstrapping=rbac-defaults", cancellationToken: ct)).Items.Select(r => r.Name()).ToHashSet();
        var scheduler = await rbac.ReadClusterRoleAsync("system:kube-scheduler", cancellationToken: ct);
        var node = await rbac.ReadClusterRoleAsync("system:node", cancellationToken: ct);
        var approver = await rbac.ReadClusterRoleAsync("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", cancellationToken: ct);
        var nodeBinding = await rbac.ReadClusterRoleBindingAsync("system:node", cancellationToken: ct);
        var volumeScheduler = await rbac.ReadClusterRoleBindingAsync("system:volume-scheduler", cancellationToken: ct);
        var proxier = await rbac.ReadClusterRoleBindingAsync("system:node-proxier", cancellationToken: ct);

        foreach (var name in new[]
        {
            "system:heapster", "system:node", "system:node-problem-detector", "system:node-bootstrapper", "system:kube-aggregator",
            "system:kube-controller-manager", "system:persistent-volume-provisioner", "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", "system:volume-scheduler",
            "system:certificates.k8s.io:legacy-unknown-approver", "system:certificates.k8s.io:kubelet-serving-approver",
            "system:certificates.k8s.io:kube-apiserver-client-approver", "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
            "system:kubelet-api-admin", "system:node-proxier", "system:kube-scheduler", "system:controller:pvc-protection-controller",
            "system:controller:pv-protection-controller",
        })
        {
            Assert.Contains(name, names);
        }

        Assert.Equal(
        [
            "events|,events.k8s.io|create,patch,update|", "leases|coordination.k8s.io|create|", "leases|coordination.k8s.io|get,list,update,watch|kube-scheduler",
            "leasecandidates|coordination.k8s.io|create,delete,deletecollection,get,list,patch,update,watch|", "nodes||get,list,watch|",
            "pods||delete,get,list,watch|", "bindings,pods/binding||create|", "pods/status||patch,update|", "replicationcontrollers,services||get,list,watch|",
            "replicasets|apps,extensions|get,list,watch|", "statefulsets|apps|get,list,watch|", "poddisruptionbudgets|policy|get,list,watch|",
            "persistentvolumeclaims,persistentvolumes||get,list,watch|", "tokenreviews|authentication.k8s.io|create|",
            "subjectaccessreviews|authorization.k8s.io|create|", "csinodes|storage.k8s.io|get,list,watch|", "volumeattachments|storage.k8s.io|get,list,watch|",
            "namespaces||get,list,watch|", "csidrivers|storage.k8s.io|get,list,watch|", "csistoragecapacities|storage.k8s.io|get,list,watch|",
        ], scheduler.Rules.Select(Flat));
        Assert.Equal(22, node.Rules.Count);
        Assert.Equal("runtimeclasses|node.k8s.io|get,list,watch|", Flat(node.Rules[^1]));
        Assert.Equal(["signers|certificates.k8s.io|approve|kubernetes.io/kube-apiserver-client-kubelet"], approver.Rules.Select(Flat));
        Assert.Null(nodeBinding.Subjects);
        Assert.Equal(("ClusterRole", "system:node"), (nodeBinding.RoleRef.Kind, nodeBinding.RoleRef.Name));
        Assert.Equal([("User", "system:kube-scheduler", "rbac.authorization.k8s.io")], volumeScheduler.Subjects.Select(s => (s.Kind, s.Name, s.ApiGroup)));
        Assert.Equal([("User", "system:kube-proxy")], proxier.Subjects.Select(s => (s.Kind, s.Name)));
    }

    [Fact]
    public async Task Kube_system_and_kube_public_have_upstreams_roles_and_bindings()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rbac = cluster.Client.RbacAuthorizationV1;

        var systemRoles = await rbac.ListNamespacedRoleAsync("kube-system", cancellationToken: ct);
        var systemBindings = await rbac.ListNamespacedRoleBindingAsync("kube-system", cancellationToken: ct);
        var publicRole = await rbac.ReadNamespacedRoleAsync("system:controller:bootstrap-signer", "kube-public", cancellationToken: ct);
        var publicBinding = await rbac.ReadNamespacedRoleBindingAsync("system:controller:bootstrap-signer", "kube-public", cancellationToken: ct);
        var leaderLocking = systemRoles.Items.Single(r => r.Name() == "system::leader-locking-kube-controller-manager");
        var reader = systemBindings.Items.Single(b => b.Name() == "system::extension-apiserver-authentication-reader");
        var locking = systemBindings.Items.Single(b => b.Name() == "system::leader-locking-kube-controller-manager");

        Assert.Equal(
            ["extension-apiserver-authentication-reader", "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-scheduler",
             "system:controller:bootstrap-signer", "system:controller:cloud-provider", "system:controller:token-cleaner"],
            systemRoles.Items.Select(r => r.Name()));
        Assert.Equal(
            ["system::extension-apiserver-authentication-reader", "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-scheduler",
             "system:controller:bootstrap-signer", "system:controller:cloud-provider", "system:controller:token-cleaner"],
            systemBindings.Items.Select(b => b.Name()));
        Assert.Equal(
        [
            "configmaps||watch|", "configmaps||get,update|kube-controller-manager", "leases|coordination.k8s.io|create,get,list,update,watch|",
            "leasecandidates|coordination.k8s.io|create,get,list,update,watch|",
        ], leaderLocking.Rules.Select(Flat));
        Assert.Equal(("true", "rbac-defaults"), (leaderLocking.Annotations()[AutoUpdate], leaderLocking.Labels()["kubernetes.io/bootstrapping"]));
        Assert.Equal(("Role", "extension-apiserver-authentication-reader"), (reader.RoleRef.Kind, reader.RoleRef.Name));
        Assert.Equal([("User", "system:kube-controller-manager"), ("User", "system:kube-scheduler")], reader.Subjects.Select(s => (s.Kind, s.Name)));
        Assert.Equal(
            [("User", "system:kube-controller-manager", null), ("ServiceAccount", "kube-controller-manager", "kube-system"), ("ServiceAccount", "leader-election-controller", "kube-system")],
            locking.Subjects.Select(s => (s.Kind, s.Name, (string?)s.NamespaceProperty)));
        Assert.Equal(
            ["configmaps||get,list,watch|", "configmaps||update|cluster-info", "events|,events.k8s.io|create,patch,update|"],
            publicRole.Rules.Select(Flat));
        Assert.Equal([("ServiceAccount", "bootstrap-signer", "kube-system")], publicBinding.Subjects.Select(s => (s.Kind, s.Name, s.NamespaceProperty)));
    }

    [Fact]
    public async Task A_restart_repairs_the_namespaced_policy_unless_autoupdate_is_false()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var dir = Directory.CreateTempSubdirectory("rbac-namespaced-");
        try
        {
            await using (var first = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct))
            {
                var rbac = first.Client.RbacAuthorizationV1;
                var scheduler = await rbac.ReadNamespacedRoleAsync("system::leader-locking-kube-scheduler", "kube-system", cancellationToken: ct);
                scheduler.Rules.RemoveAt(2);
                await rbac.ReplaceNamespacedRoleAsync(scheduler, scheduler.Name(), "kube-system", cancellationToken: ct);

                var reader = await rbac.ReadNamespacedRoleAsync("extension-apiserver-authentication-reader", "kube-system", cancellationToken: ct);
                reader.Rules = [new V1PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["secrets"] }];
                reader.Metadata.Annotations[AutoUpdate] = "false";
                await rbac.ReplaceNamespacedRoleAsync(reader, reader.Name(), "kube-system", cancellationToken: ct);

                await rbac.DeleteNamespacedRoleBindingAsync("system:controller:bootstrap-signer", "kube-public", cancellationToken: ct);
                await rbac.DeleteClusterRoleAsync("system:node", cancellationToken: ct);
            }

            await using var second = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = dir.FullName }, ct);
            var again = second.Client.RbacAuthorizationV1;

            var repaired = await again.ReadNamespacedRoleAsync("system::leader-locking-kube-scheduler", "kube-system", cancellationToken: ct);
            var untouched = await again.ReadNamespacedRoleAsync("extension-apiserver-authentication-reader", "kube-system", cancellationToken: ct);
            var recreated = await again.ReadNamespacedRoleBindingAsync("system:controller:bootstrap-signer", "kube-public", cancellationToken: ct);
            var node = await again.ReadClusterRoleAsync("system:node", cancellationToken: ct);

            // Added back as upstream's reconciliation does: one rule per verb it lacked.
            Assert.Equal(["create", "get", "list", "update", "watch"],
                repaired.Rules.Where(r => r.Resources.SequenceEqual(["leases"])).SelectMany(r => r.Verbs).Order(StringComparer.Ordinal));
            Assert.Equal(["secrets||get|"], untouched.Rules.Select(Flat));
            Assert.Equal("bootstrap-signer", recreated.Subjects.Single().Name);
            Assert.Equal(22, node.Rules.Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A rule as "resources|apiGroups|verbs|resourceNames", each list comma-joined as stored (the core group is "").</summary>
    private static string Flat(V1PolicyRule rule) =>
        string.Join("|", new[] { rule.Resources, rule.ApiGroups, rule.Verbs, rule.ResourceNames }.Select(l => string.Join(",", l ?? [])));
}
