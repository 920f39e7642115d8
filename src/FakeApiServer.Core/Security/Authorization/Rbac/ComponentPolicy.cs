namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The ClusterRoles kube-apiserver 1.33's bootstrap policy has for the cluster's own components and for delegation
/// (nodes, kube-proxy, kube-scheduler, kube-controller-manager, the aggregator, provisioners, the certificate
/// approvers, the kubelet API), with the rules its default feature gates give (MultiCIDRServiceAllocator and
/// KubeletFineGrainedAuthz on; DynamicResourceAllocation, ClusterTrustBundle and the component z-pages off), and the
/// subjects of the bindings it makes for some of them. Rules are data, in upstream's order; each rule's lists are
/// sorted by <see cref="ControllerPolicy.R"/>, as upstream's rule builder stores them.
/// </summary>
internal static class ComponentPolicy
{
    public const string KubeProxyUser = "system:kube-proxy";
    public const string KubeSchedulerUser = "system:kube-scheduler";
    public const string KubeControllerManagerUser = "system:kube-controller-manager";

    private const string Core = "";
    private const string Apps = "apps";
    private const string Extensions = "extensions";
    private const string Policy = "policy";
    private const string Storage = "storage.k8s.io";
    private const string Certificates = "certificates.k8s.io";
    private const string Coordination = "coordination.k8s.io";
    private const string Authentication = "authentication.k8s.io";
    private const string Authorization = "authorization.k8s.io";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] ReadUpdate = ["get", "list", "watch", "update", "patch"];
    private static readonly string[] ReadWrite = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    /// <summary>The roles, by name, with their rules in upstream's order.</summary>
    public static IReadOnlyList<(string Name, PolicyRule[] Rules)> Roles() =>
    [
        ("system:heapster",
        [
            R(Read, [Core], ["events", "pods", "nodes", "namespaces"]),
            R(Read, [Extensions], ["deployments"]),
        ]),
        ("system:node", NodeRules()),
        ("system:node-problem-detector",
        [
            R(["get"], [Core], ["nodes"]),
            R(["patch"], [Core], ["nodes/status"]),
            Events(),
        ]),
        ("system:node-bootstrapper",
        [
            R(["create", "get", "list", "watch"], [Certificates], ["certificatesigningrequests"]),
        ]),
        ("system:kube-aggregator",
        [
            R(Read, [Core], ["services", "endpoints"]),
        ]),
        ("system:kube-controller-manager",
        [
            Events(),
            R(["create"], [Coordination], ["leases"]),
            R(["get", "update"], [Coordination], ["leases"], ["kube-controller-manager"]),
            R(["create"], [Core], ["secrets", "serviceaccounts"]),
            R(["delete"], [Core], ["secrets"]),
            R(["get"], [Core], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
            R(["update"], [Core], ["secrets", "serviceaccounts"]),
            R(["create"], [Authentication], ["tokenreviews"]),
            R(["create"], [Authorization], ["subjectaccessreviews"]),
            R(["list", "watch"], ["*"], ["*"]),
            R(["create"], [Core], ["serviceaccounts/token"]),
        ]),
        ("system:persistent-volume-provisioner",
        [
            R(["get", "list", "watch", "create", "delete"], [Core], ["persistentvolumes"]),
            R(["get", "list", "watch", "update"], [Core], ["persistentvolumeclaims"]),
            R(Read, [Storage], ["storageclasses"]),
            R(["watch"], [Core], ["events"]),
            Events(),
        ]),
        ("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        [
            R(["create"], [Certificates], ["certificatesigningrequests/nodeclient"]),
        ]),
        ("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        [
            R(["create"], [Certificates], ["certificatesigningrequests/selfnodeclient"]),
        ]),
        ("system:volume-scheduler",
        [
            R(ReadUpdate, [Core], ["persistentvolumes"]),
            R(Read, [Storage], ["storageclasses"]),
            R(ReadUpdate, [Core], ["persistentvolumeclaims"]),
        ]),
        Approver("legacy-unknown"),
        Approver("kubelet-serving"),
        Approver("kube-apiserver-client"),
        Approver("kube-apiserver-client-kubelet"),
        ("system:kubelet-api-admin",
        [
            R(Read, [Core], ["nodes"]),
            R(["proxy"], [Core], ["nodes"]),
            R(["*"], [Core], ["nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log"]),
            R(["*"], [Core], ["nodes/pods", "nodes/healthz", "nodes/configz"]),
        ]),
        ("system:node-proxier",
        [
            R(["list", "watch"], [Core], ["services", "endpoints"]),
            R(Read, [Core], ["nodes"]),
            Events(),
            R(["list", "watch"], ["networking.k8s.io"], ["servicecidrs"]),
            R(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
        ]),
        ("system:kube-scheduler",
        [
            Events(),
            R(["create"], [Coordination], ["leases"]),
            R(["get", "update", "list", "watch"], [Coordination], ["leases"], ["kube-scheduler"]),
            R(ReadWrite, [Coordination], ["leasecandidates"]),
            R(Read, [Core], ["nodes"]),
            R(["get", "list", "watch", "delete"], [Core], ["pods"]),
            R(["create"], [Core], ["pods/binding", "bindings"]),
            R(["patch", "update"], [Core], ["pods/status"]),
            R(Read, [Core], ["services", "replicationcontrollers"]),
            R(Read, [Apps, Extensions], ["replicasets"]),
            R(Read, [Apps], ["statefulsets"]),
            R(Read, [Policy], ["poddisruptionbudgets"]),
            R(Read, [Core], ["persistentvolumeclaims", "persistentvolumes"]),
            R(["create"], [Authentication], ["tokenreviews"]),
            R(["create"], [Authorization], ["subjectaccessreviews"]),
            R(Read, [Storage], ["csinodes"]),
            R(Read, [Storage], ["volumeattachments"]),
            R(Read, [Core], ["namespaces"]),
            R(Read, [Storage], ["csidrivers"]),
            R(Read, [Storage], ["csistoragecapacities"]),
        ]),
    ];

    /// <summary>The bindings of these roles (role name = binding name) and their subjects: (kind, name, namespace).</summary>
    public static IReadOnlyList<(string Name, (string Kind, string Name, string? Namespace)[] Subjects)> Bindings() =>
    [
        ("system:node-proxier", [(RbacSubject.User, KubeProxyUser, null)]),
        ("system:kube-controller-manager", [(RbacSubject.User, KubeControllerManagerUser, null)]),
        ("system:kube-scheduler", [(RbacSubject.User, KubeSchedulerUser, null)]),
        ("system:volume-scheduler", [(RbacSubject.User, KubeSchedulerUser, null)]),

        // Upstream binds system:node to no one: the Node authorizer grants nodes what they need.
        ("system:node", []),
    ];

    /// <summary>upstream's NodeRules: what a kubelet may do (narrowed further by the Node authorizer and NodeRestriction).</summary>
    private static PolicyRule[] NodeRules() =>
    [
        R(["create"], [Authentication], ["tokenreviews"]),
        R(["create"], [Authorization], ["subjectaccessreviews", "localsubjectaccessreviews"]),
        R(Read, [Core], ["services"]),
        R(["create", "get", "list", "watch"], [Core], ["nodes"]),
        R(["update", "patch"], [Core], ["nodes/status"]),
        R(["update", "patch"], [Core], ["nodes"]),
        R(["create", "update", "patch"], [Core], ["events"]),
        R(Read, [Core], ["pods"]),
        R(["create", "delete"], [Core], ["pods"]),
        R(["update", "patch"], [Core], ["pods/status"]),
        R(["create"], [Core], ["pods/eviction"]),
        R(["get", "list", "watch"], [Core], ["secrets", "configmaps"]),
        R(["get"], [Core], ["persistentvolumeclaims", "persistentvolumes"]),
        R(["get"], [Core], ["endpoints"]),
        R(["create", "get", "list", "watch"], [Certificates], ["certificatesigningrequests"]),
        R(["get", "create", "update", "patch", "delete"], [Coordination], ["leases"]),
        R(["get"], [Storage], ["volumeattachments"]),
        R(["create"], [Core], ["serviceaccounts/token"]),
        R(["get", "update", "patch"], [Core], ["persistentvolumeclaims/status"]),
        R(["get", "watch", "list"], [Storage], ["csidrivers"]),
        R(["get", "create", "update", "patch", "delete"], [Storage], ["csinodes"]),
        R(Read, ["node.k8s.io"], ["runtimeclasses"]),
    ];

    /// <summary>system:certificates.k8s.io:&lt;signer&gt;-approver: approve for the one kubernetes.io signer.</summary>
    private static (string, PolicyRule[]) Approver(string signer) =>
        ($"system:certificates.k8s.io:{signer}-approver", [R(["approve"], [Certificates], ["signers"], ["kubernetes.io/" + signer])]);

    /// <summary>upstream's eventsRule.</summary>
    internal static PolicyRule Events() => R(["create", "update", "patch"], [Core, "events.k8s.io"], ["events"]);

    private static PolicyRule R(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        ControllerPolicy.R(verbs, groups, resources, names);
}
