namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The <c>system:controller:*</c> ClusterRoles of kube-apiserver 1.33's bootstrap policy (one per kube-controller-manager
/// controller with its default feature gates), each bound by a ClusterRoleBinding of the same name to the controller's
/// service account in kube-system (the name after the prefix). Rules are data: verbs on groups and resources.
/// </summary>
internal static class ControllerPolicy
{
    public const string Prefix = "system:controller:";

    private const string Core = "";
    private const string Apps = "apps";
    private const string Extensions = "extensions";
    private const string Batch = "batch";
    private const string Policy = "policy";
    private const string Storage = "storage.k8s.io";
    private const string Certificates = "certificates.k8s.io";

    /// <summary>The controller names (without the prefix) and their rules, in upstream's order.</summary>
    public static IReadOnlyList<(string Controller, PolicyRule[] Rules)> Roles() =>
    [
        ("attachdetach-controller",
        [
            R(["list", "watch"], [Core], ["persistentvolumes", "persistentvolumeclaims"]),
            R(["get", "list", "watch"], [Core], ["nodes"]),
            R(["patch", "update"], [Core], ["nodes/status"]),
            R(["list", "watch"], [Core], ["pods"]),
            Events(),
            R(["get", "create", "delete", "list", "watch"], [Storage], ["volumeattachments"]),
            R(["get", "watch", "list"], [Storage], ["csidrivers"]),
            R(["get", "watch", "list"], [Storage], ["csinodes"]),
        ]),
        ("clusterrole-aggregation-controller",
        [
            R(["escalate", "get", "list", "watch", "update", "patch"], [RbacPolicy.Group], ["clusterroles"]),
        ]),
        ("cronjob-controller",
        [
            R(["get", "list", "watch", "update"], [Batch], ["cronjobs"]),
            R(["get", "list", "watch", "create", "update", "delete", "patch"], [Batch], ["jobs"]),
            R(["update"], [Batch], ["cronjobs/status"]),
            R(["update"], [Batch], ["cronjobs/finalizers"]),
            R(["list", "watch", "delete"], [Core], ["pods"]),
            Events(),
        ]),
        ("daemon-set-controller",
        [
            R(["get", "list", "watch"], [Extensions, Apps], ["daemonsets"]),
            R(["update"], [Extensions, Apps], ["daemonsets/status"]),
            R(["update"], [Extensions, Apps], ["daemonsets/finalizers"]),
            R(["list", "watch"], [Core], ["nodes"]),
            R(["list", "watch", "create", "delete", "patch"], [Core], ["pods"]),
            R(["create"], [Core], ["pods/binding"]),
            R(["get", "list", "watch", "create", "delete", "update", "patch"], [Apps], ["controllerrevisions"]),
            Events(),
        ]),
        ("deployment-controller",
        [
            R(["get", "list", "watch", "update"], [Extensions, Apps], ["deployments"]),
            R(["update"], [Extensions, Apps], ["deployments/status"]),
            R(["update"], [Extensions, Apps], ["deployments/finalizers"]),
            R(["get", "list", "watch", "create", "update", "patch", "delete"], [Apps, Extensions], ["replicasets"]),
            R(["get", "list", "watch", "update"], [Core], ["pods"]),
            Events(),
        ]),
        ("disruption-controller",
        [
            R(["get", "list", "watch"], [Extensions, Apps], ["deployments"]),
            R(["get", "list", "watch"], [Apps, Extensions], ["replicasets"]),
            R(["get", "list", "watch"], [Core], ["replicationcontrollers"]),
            R(["get", "list", "watch"], [Policy], ["poddisruptionbudgets"]),
            R(["get", "list", "watch"], [Apps], ["statefulsets"]),
            R(["update"], [Policy], ["poddisruptionbudgets/status"]),
            R(["patch", "update"], [Core], ["pods/status"]),
            R(["get"], ["*"], ["*/scale"]),
            Events(),
        ]),
        ("endpoint-controller",
        [
            R(["get", "list", "watch"], [Core], ["services", "pods"]),
            R(["get", "list", "watch", "create", "update", "delete"], [Core], ["endpoints"]),
            R(["create"], [Core], ["endpoints/restricted"]),
            Events(),
        ]),
        ("endpointslice-controller",
        [
            R(["get", "list", "watch"], [Core], ["services", "pods", "nodes"]),
            R(["update"], [Core], ["services/finalizers"]),
            R(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
            Events(),
        ]),
        ("endpointslicemirroring-controller",
        [
            R(["get", "list", "watch"], [Core], ["services", "endpoints"]),
            R(["update"], [Core], ["services/finalizers"]),
            R(["update"], [Core], ["endpoints/finalizers"]),
            R(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
            Events(),
        ]),
        ("expand-controller",
        [
            R(["get", "list", "watch", "update", "patch"], [Core], ["persistentvolumes"]),
            R(["update", "patch"], [Core], ["persistentvolumeclaims/status"]),
            R(["get", "list", "watch"], [Core], ["persistentvolumeclaims"]),
            Events(),
            R(["get"], [Core], ["services"]),
        ]),
        ("ephemeral-volume-controller",
        [
            R(["get", "list", "watch"], [Core], ["pods"]),
            R(["update"], [Core], ["pods/finalizers"]),
            R(["get", "list", "watch", "create"], [Core], ["persistentvolumeclaims"]),
            Events(),
        ]),
        ("generic-garbage-collector",
        [
            R(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]),
            Events(),
        ]),
        ("horizontal-pod-autoscaler",
        [
            R(["get", "list", "watch"], ["autoscaling"], ["horizontalpodautoscalers"]),
            R(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
            R(["get", "update"], ["*"], ["*/scale"]),
            R(["list", "watch"], [Core], ["pods"]),
            R(["list", "watch"], ["metrics.k8s.io"], ["pods"]),
            R(["get", "list", "watch"], ["custom.metrics.k8s.io"], ["*"]),
            R(["get", "list", "watch"], ["external.metrics.k8s.io"], ["*"]),
            Events(),
        ]),
        ("job-controller",
        [
            R(["get", "list", "watch", "update", "patch"], [Batch], ["jobs"]),
            R(["update"], [Batch], ["jobs/status"]),
            R(["update"], [Batch], ["jobs/finalizers"]),
            R(["list", "watch", "create", "delete", "patch"], [Core], ["pods"]),
            Events(),
        ]),
        ("namespace-controller",
        [
            R(["get", "list", "watch", "delete"], [Core], ["namespaces"]),
            R(["update"], [Core], ["namespaces/finalize", "namespaces/status"]),
            R(["get", "list", "watch", "delete", "deletecollection"], ["*"], ["*"]),
        ]),
        ("node-controller",
        [
            R(["get", "list", "watch", "update", "delete", "patch"], [Core], ["nodes"]),
            R(["patch", "update"], [Core], ["nodes/status"]),
            R(["patch", "update"], [Core], ["pods/status"]),
            R(["list", "watch", "get", "delete"], [Core], ["pods"]),
            Events(),
        ]),
        ("persistent-volume-binder",
        [
            R(["get", "list", "watch", "update", "create", "delete"], [Core], ["persistentvolumes"]),
            R(["update"], [Core], ["persistentvolumes/status"]),
            R(["get", "list", "watch", "update"], [Core], ["persistentvolumeclaims"]),
            R(["update"], [Core], ["persistentvolumeclaims/status"]),
            R(["list", "watch", "get", "create", "delete"], [Core], ["pods"]),
            R(["get", "list", "watch"], [Storage], ["storageclasses"]),
            R(["list", "watch"], [Core], ["nodes"]),
            Events(),
            R(["watch"], [Core], ["events"]),
            R(["get"], [Core], ["services"]),
        ]),
        ("pod-garbage-collector",
        [
            R(["list", "watch", "delete"], [Core], ["pods"]),
            R(["get", "list", "watch"], [Core], ["nodes"]),
            R(["patch"], [Core], ["pods/status"]),
        ]),
        ("replicaset-controller",
        [
            R(["get", "list", "watch", "update"], [Apps, Extensions], ["replicasets"]),
            R(["update"], [Apps, Extensions], ["replicasets/status"]),
            R(["update"], [Apps, Extensions], ["replicasets/finalizers"]),
            R(["list", "watch", "patch", "create", "delete"], [Core], ["pods"]),
            Events(),
        ]),
        ("replication-controller",
        [
            R(["get", "list", "watch", "update"], [Core], ["replicationcontrollers"]),
            R(["update"], [Core], ["replicationcontrollers/status"]),
            R(["update"], [Core], ["replicationcontrollers/finalizers"]),
            R(["list", "watch", "patch", "create", "delete"], [Core], ["pods"]),
            Events(),
        ]),
        ("resourcequota-controller",
        [
            R(["list", "watch"], ["*"], ["*"]),
            R(["update"], [Core], ["resourcequotas/status"]),
            Events(),
        ]),
        ("route-controller",
        [
            R(["list", "watch"], [Core], ["nodes"]),
            R(["patch"], [Core], ["nodes/status"]),
            Events(),
        ]),
        ("service-account-controller",
        [
            R(["create"], [Core], ["serviceaccounts"]),
            Events(),
        ]),
        ("service-controller",
        [
            R(["get", "list", "watch"], [Core], ["services"]),
            R(["patch", "update"], [Core], ["services/status"]),
            R(["list", "watch"], [Core], ["nodes"]),
            Events(),
        ]),
        ("service-cidrs-controller",
        [
            R(["get", "list", "watch", "patch", "update"], ["networking.k8s.io"], ["servicecidrs"]),
            R(["patch", "update"], ["networking.k8s.io"], ["servicecidrs/finalizers"]),
            R(["patch", "update"], ["networking.k8s.io"], ["servicecidrs/status"]),
            R(["get", "list", "watch"], ["networking.k8s.io"], ["ipaddresses"]),
            Events(),
        ]),
        ("statefulset-controller",
        [
            R(["list", "watch"], [Core], ["pods"]),
            R(["get", "list", "watch"], [Apps], ["statefulsets"]),
            R(["update"], [Apps], ["statefulsets/status"]),
            R(["update"], [Apps], ["statefulsets/finalizers"]),
            R(["get", "create", "delete", "update", "patch"], [Core], ["pods"]),
            R(["get", "create", "delete", "update", "patch", "list", "watch"], [Apps], ["controllerrevisions"]),
            R(["get", "create", "list", "watch"], [Core], ["persistentvolumeclaims"]),
            R(["update", "delete"], [Core], ["persistentvolumeclaims"]),
            R(["update"], [Core], ["pods/finalizers"]),
            Events(),
        ]),
        ("ttl-controller",
        [
            R(["update", "patch", "list", "watch"], [Core], ["nodes"]),
            Events(),
        ]),
        ("certificate-controller",
        [
            R(["get", "list", "watch", "delete"], [Certificates], ["certificatesigningrequests"]),
            R(["update"], [Certificates], ["certificatesigningrequests/status", "certificatesigningrequests/approval"]),
            R(["approve"], [Certificates], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
            R(["sign"], [Certificates], ["signers"],
                ["kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving"]),
            R(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
            Events(),
        ]),
        ("pvc-protection-controller",
        [
            R(["get", "list", "watch", "update"], [Core], ["persistentvolumeclaims"]),
            R(["list", "watch", "get"], [Core], ["pods"]),
            Events(),
        ]),
        ("pv-protection-controller",
        [
            R(["get", "list", "watch", "update"], [Core], ["persistentvolumes"]),
            Events(),
        ]),
        ("ttl-after-finished-controller",
        [
            R(["get", "list", "watch", "delete"], [Batch], ["jobs"]),
            Events(),
        ]),
        ("root-ca-cert-publisher",
        [
            R(["create", "update"], [Core], ["configmaps"]),
            Events(),
        ]),
        ("validatingadmissionpolicy-status-controller",
        [
            R(["get", "list", "watch"], ["admissionregistration.k8s.io"], ["validatingadmissionpolicies"]),
            R(["get", "patch", "update"], ["admissionregistration.k8s.io"], ["validatingadmissionpolicies/status"]),
            Events(),
        ]),
        ("legacy-service-account-token-cleaner",
        [
            R(["get"], [Core], ["configmaps"], ["kube-apiserver-legacy-service-account-token-tracking"]),
            R(["patch", "delete"], [Core], ["secrets"]),
        ]),

        // SELinuxChangePolicy is beta and on by default in 1.33.
        ("selinux-warning-controller",
        [
            Events(),
            R(["get", "list", "watch"], [Core], ["persistentvolumes"]),
            R(["get", "list", "watch"], [Core], ["persistentvolumeclaims"]),
            R(["get", "list", "watch"], [Core], ["pods"]),
            R(["get", "list", "watch"], [Storage], ["csidrivers"]),
        ]),
    ];

    /// <summary>Upstream's eventsRule: what every controller needs to record events.</summary>
    private static PolicyRule Events() => R(["create", "update", "patch"], [Core, "events.k8s.io"], ["events"]);

    /// <summary>A rule with its lists sorted, as upstream's rule builder stores them.</summary>
    internal static PolicyRule R(string[] verbs, string[] groups, string[] resources, string[]? names = null) => new()
    {
        Verbs = Sorted(verbs),
        ApiGroups = Sorted(groups),
        Resources = Sorted(resources),
        ResourceNames = Sorted(names ?? []),
    };

    private static string[] Sorted(string[] values) => values.Order(StringComparer.Ordinal).ToArray();
}
