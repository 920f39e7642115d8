using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The Roles and RoleBindings kube-apiserver 1.33's bootstrap policy creates in kube-system and kube-public
/// (bootstrappolicy's namespace policy): reading the extension-apiserver-authentication ConfigMap, the scheduler's and
/// controller manager's leader locks, and the bootstrap-signer, cloud-provider and token-cleaner controllers. Each
/// carries the same bootstrapping label and autoupdate annotation as the cluster-wide policy and is reconciled the same
/// way at start.
/// </summary>
internal static class NamespacePolicy
{
    private const string KubeSystem = "kube-system";
    private const string KubePublic = "kube-public";
    private const string Core = "";

    /// <summary>The Roles, each with its namespace, in upstream's order.</summary>
    public static IReadOnlyList<JsonObject> Roles() =>
    [
        Role(KubeSystem, "extension-apiserver-authentication-reader",
            R(["get", "list", "watch"], [Core], ["configmaps"], ["extension-apiserver-authentication"])),
        Role(KubeSystem, ControllerPolicy.Prefix + "bootstrap-signer",
            R(["get", "list", "watch"], [Core], ["secrets"])),
        Role(KubeSystem, ControllerPolicy.Prefix + "cloud-provider",
            R(["create", "get", "list", "watch"], [Core], ["configmaps"])),
        Role(KubeSystem, ControllerPolicy.Prefix + "token-cleaner",
            R(["get", "list", "watch", "delete"], [Core], ["secrets"]),
            ComponentPolicy.Events()),
        Role(KubeSystem, "system::leader-locking-kube-controller-manager", LeaderLocking("kube-controller-manager")),
        Role(KubeSystem, "system::leader-locking-kube-scheduler", LeaderLocking("kube-scheduler")),
        Role(KubePublic, ControllerPolicy.Prefix + "bootstrap-signer",
            R(["get", "list", "watch"], [Core], ["configmaps"]),
            R(["update"], [Core], ["configmaps"], ["cluster-info"]),
            ComponentPolicy.Events()),
    ];

    /// <summary>The RoleBindings, each with its namespace; each binds the Role its roleRef names.</summary>
    public static IReadOnlyList<JsonObject> RoleBindings() =>
    [
        Binding(KubeSystem, "system::extension-apiserver-authentication-reader", "extension-apiserver-authentication-reader",
            User(ComponentPolicy.KubeControllerManagerUser), User(ComponentPolicy.KubeSchedulerUser)),
        Binding(KubeSystem, "system::leader-locking-kube-controller-manager", "system::leader-locking-kube-controller-manager",
            User(ComponentPolicy.KubeControllerManagerUser), ServiceAccount("kube-controller-manager"), ServiceAccount("leader-election-controller")),
        Binding(KubeSystem, "system::leader-locking-kube-scheduler", "system::leader-locking-kube-scheduler",
            User(ComponentPolicy.KubeSchedulerUser), ServiceAccount("kube-scheduler")),
        Binding(KubeSystem, ControllerPolicy.Prefix + "bootstrap-signer", ControllerPolicy.Prefix + "bootstrap-signer", ServiceAccount("bootstrap-signer")),
        Binding(KubeSystem, ControllerPolicy.Prefix + "cloud-provider", ControllerPolicy.Prefix + "cloud-provider", ServiceAccount("cloud-provider")),
        Binding(KubeSystem, ControllerPolicy.Prefix + "token-cleaner", ControllerPolicy.Prefix + "token-cleaner", ServiceAccount("token-cleaner")),
        Binding(KubePublic, ControllerPolicy.Prefix + "bootstrap-signer", ControllerPolicy.Prefix + "bootstrap-signer", ServiceAccount("bootstrap-signer")),
    ];

    /// <summary>A leader lock held in a ConfigMap (legacy) and in a Lease, with the lease candidates.</summary>
    private static PolicyRule[] LeaderLocking(string component) =>
    [
        R(["watch"], [Core], ["configmaps"]),
        R(["get", "update"], [Core], ["configmaps"], [component]),
        R(["get", "watch", "list", "create", "update"], ["coordination.k8s.io"], ["leases"]),
        R(["get", "watch", "list", "create", "update"], ["coordination.k8s.io"], ["leasecandidates"]),
    ];

    private static JsonObject Role(string ns, string name, params PolicyRule[] rules)
    {
        var role = BootstrapPolicy.Role(name, [], rules.Select(r => r.ToJson()).ToArray());
        role.Metadata()["namespace"] = ns;
        return role;
    }

    private static JsonObject Binding(string ns, string name, string role, params JsonObject[] subjects)
    {
        var binding = BootstrapPolicy.Binding(name, RbacRoleRef.Role, role, subjects);
        binding.Metadata()["namespace"] = ns;
        return binding;
    }

    private static JsonObject User(string name) => BootstrapPolicy.Subject(RbacSubject.User, name, null);

    private static JsonObject ServiceAccount(string name) => BootstrapPolicy.Subject(RbacSubject.ServiceAccount, name, KubeSystem);

    private static PolicyRule R(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        ControllerPolicy.R(verbs, groups, resources, names);
}
