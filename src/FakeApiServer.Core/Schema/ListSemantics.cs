using System.Collections.Frozen;
using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Apis.Networking.PodNetworks;
using k8s.Models;

namespace FakeApiServer.Schema;

/// <summary>How strategic merge patch and server-side apply treat one list, map or struct field.</summary>
internal sealed record FieldSemantics(
    string? PatchStrategy = null,
    string? PatchMergeKey = null,
    string? ListType = null,
    IReadOnlyList<string>? ListMapKeys = null,
    string? MapType = null);

/// <summary>
/// The list and map semantics of the built-in kinds' fields, as the struct tags in k8s.io/api declare them
/// (+patchStrategy, +patchMergeKey, +listType, +listMapKey, +mapType, +structType). The KubernetesClient models
/// carry no such metadata, so this table is the single place it comes from; BuiltInSchemas applies it.
/// Keyed by model type and JSON field name. A list that is not here is atomic and replaced by strategic merge
/// patch; a map that is not here is granular. Covers every list and map reachable from the served kinds
/// (a test checks that every entry names a real field).
/// </summary>
internal static class ListSemantics
{
    private static readonly FieldSemantics Atomic = new(ListType: ListTypes.Atomic);
    private static readonly FieldSemantics AtomicMap = new(MapType: MapTypes.Atomic);
    private static readonly FieldSemantics Set = new(ListType: ListTypes.Set);

    /// <summary>patchStrategy=merge, patchMergeKey=key, listType=map, listMapKey=key (+ more keys).</summary>
    private static FieldSemantics MergeMap(string key, params string[] moreKeys) =>
        new(PatchStrategies.Merge, key, ListTypes.Map, [key, .. moreKeys]);

    /// <summary>listType=map with keys but no patch strategy (strategic merge patch replaces the list).</summary>
    private static FieldSemantics Map(params string[] keys) => new(ListType: ListTypes.Map, ListMapKeys: keys);

    private static readonly (Type Model, string Field, FieldSemantics Semantics)[] Fields =
    [
        // meta/v1 ObjectMeta, LabelSelector
        (typeof(V1ObjectMeta), "finalizers", new(PatchStrategies.Merge, ListType: ListTypes.Set)),
        (typeof(V1ObjectMeta), "ownerReferences", MergeMap("uid")),
        (typeof(V1ObjectMeta), "managedFields", Atomic),
        (typeof(V1LabelSelector), "matchExpressions", Atomic),
        (typeof(V1LabelSelectorRequirement), "values", Atomic),

        // core/v1 PodSpec
        (typeof(V1PodSpec), "volumes", new(PatchStrategies.MergeRetainKeys, "name", ListTypes.Map, ["name"])),
        (typeof(V1PodSpec), "initContainers", MergeMap("name")),
        (typeof(V1PodSpec), "containers", MergeMap("name")),
        (typeof(V1PodSpec), "ephemeralContainers", MergeMap("name")),
        (typeof(V1PodSpec), "nodeSelector", AtomicMap),
        (typeof(V1PodSpec), "imagePullSecrets", MergeMap("name")),
        (typeof(V1PodSpec), "tolerations", Atomic),
        (typeof(V1PodSpec), "hostAliases", MergeMap("ip")),
        (typeof(V1PodSpec), "readinessGates", Atomic),
        (typeof(V1PodSpec), "topologySpreadConstraints", MergeMap("topologyKey", "whenUnsatisfiable")),
        (typeof(V1PodSpec), "schedulingGates", MergeMap("name")),
        (typeof(V1PodSpec), "resourceClaims", new(PatchStrategies.MergeRetainKeys, "name", ListTypes.Map, ["name"])),
        (typeof(V1PodSpec), "evictionResponders", MergeMap("name")),
        (typeof(V1PodDNSConfig), "nameservers", Atomic),
        (typeof(V1PodDNSConfig), "searches", Atomic),
        (typeof(V1PodDNSConfig), "options", Atomic),
        (typeof(V1HostAlias), "hostnames", Atomic),
        (typeof(V1PodSecurityContext), "supplementalGroups", Atomic),
        (typeof(V1PodSecurityContext), "sysctls", Atomic),
        (typeof(V1TopologySpreadConstraint), "matchLabelKeys", Atomic),

        // core/v1 Container and EphemeralContainer (EphemeralContainerCommon carries the same tags)
        (typeof(V1Container), "command", Atomic),
        (typeof(V1Container), "args", Atomic),
        (typeof(V1Container), "ports", MergeMap("containerPort", "protocol")),
        (typeof(V1Container), "envFrom", Atomic),
        (typeof(V1Container), "env", MergeMap("name")),
        (typeof(V1Container), "resizePolicy", Atomic),
        (typeof(V1Container), "restartPolicyRules", Atomic),
        (typeof(V1Container), "volumeMounts", MergeMap("mountPath")),
        (typeof(V1Container), "volumeDevices", MergeMap("devicePath")),
        (typeof(V1EphemeralContainer), "command", Atomic),
        (typeof(V1EphemeralContainer), "args", Atomic),
        (typeof(V1EphemeralContainer), "ports", MergeMap("containerPort", "protocol")),
        (typeof(V1EphemeralContainer), "envFrom", Atomic),
        (typeof(V1EphemeralContainer), "env", MergeMap("name")),
        (typeof(V1EphemeralContainer), "resizePolicy", Atomic),
        (typeof(V1EphemeralContainer), "restartPolicyRules", Atomic),
        (typeof(V1EphemeralContainer), "volumeMounts", MergeMap("mountPath")),
        (typeof(V1EphemeralContainer), "volumeDevices", MergeMap("devicePath")),
        (typeof(V1ResourceRequirements), "claims", Map("name")),
        (typeof(V1ContainerRestartRuleOnExitCodes), "values", Set),
        (typeof(V1ExecAction), "command", Atomic),
        (typeof(V1HTTPGetAction), "httpHeaders", Atomic),
        (typeof(V1Capabilities), "add", Atomic),
        (typeof(V1Capabilities), "drop", Atomic),
        (typeof(V1LinuxContainerUser), "supplementalGroups", Atomic),

        // core/v1 affinity
        (typeof(V1NodeAffinity), "preferredDuringSchedulingIgnoredDuringExecution", Atomic),
        (typeof(V1NodeSelector), "nodeSelectorTerms", Atomic),
        (typeof(V1NodeSelectorTerm), "matchExpressions", Atomic),
        (typeof(V1NodeSelectorTerm), "matchFields", Atomic),
        (typeof(V1NodeSelectorRequirement), "values", Atomic),
        (typeof(V1PodAffinity), "requiredDuringSchedulingIgnoredDuringExecution", Atomic),
        (typeof(V1PodAffinity), "preferredDuringSchedulingIgnoredDuringExecution", Atomic),
        (typeof(V1PodAntiAffinity), "requiredDuringSchedulingIgnoredDuringExecution", Atomic),
        (typeof(V1PodAntiAffinity), "preferredDuringSchedulingIgnoredDuringExecution", Atomic),
        (typeof(V1PodAffinityTerm), "namespaces", Atomic),
        (typeof(V1PodAffinityTerm), "matchLabelKeys", Atomic),
        (typeof(V1PodAffinityTerm), "mismatchLabelKeys", Atomic),

        // core/v1 volume sources
        (typeof(V1CephFSVolumeSource), "monitors", Atomic),
        (typeof(V1RBDVolumeSource), "monitors", Atomic),
        (typeof(V1ISCSIVolumeSource), "portals", Atomic),
        (typeof(V1FCVolumeSource), "targetWWNs", Atomic),
        (typeof(V1FCVolumeSource), "wwids", Atomic),
        (typeof(V1ConfigMapVolumeSource), "items", Atomic),
        (typeof(V1SecretVolumeSource), "items", Atomic),
        (typeof(V1DownwardAPIVolumeSource), "items", Atomic),
        (typeof(V1ProjectedVolumeSource), "sources", Atomic),
        (typeof(V1ConfigMapProjection), "items", Atomic),
        (typeof(V1SecretProjection), "items", Atomic),
        (typeof(V1DownwardAPIProjection), "items", Atomic),
        (typeof(V1PersistentVolumeClaimSpec), "accessModes", Atomic),

        // core/v1 PodStatus
        (typeof(V1PodStatus), "conditions", MergeMap("type")),
        (typeof(V1PodStatus), "hostIPs", new(PatchStrategies.Merge, "ip", ListTypes.Atomic)),
        (typeof(V1PodStatus), "podIPs", MergeMap("ip")),
        (typeof(V1PodStatus), "initContainerStatuses", Atomic),
        (typeof(V1PodStatus), "containerStatuses", Atomic),
        (typeof(V1PodStatus), "ephemeralContainerStatuses", Atomic),
        (typeof(V1PodStatus), "resourceClaimStatuses", new(PatchStrategies.MergeRetainKeys, "name", ListTypes.Map, ["name"])),
        (typeof(V1PodStatus), "nodeAllocatableResourceClaimStatuses", Atomic),
        (typeof(V1PodStatus), "volumeHealth", Map("name")),
        (typeof(V1ContainerStatus), "volumeMounts", MergeMap("mountPath")),
        (typeof(V1ContainerStatus), "allocatedResourcesStatus", MergeMap("name")),
        (typeof(V1ResourceStatus), "resources", Map("resourceID")),
        (typeof(V1PodExtendedResourceClaimStatus), "requestMappings", Atomic),

        // core/v1 Node
        (typeof(V1NodeSpec), "podCIDRs", new(PatchStrategies.Merge, ListType: ListTypes.Set)),
        (typeof(V1NodeSpec), "taints", Atomic),
        (typeof(V1NodeStatus), "conditions", MergeMap("type")),
        (typeof(V1NodeStatus), "addresses", MergeMap("type")),
        (typeof(V1NodeStatus), "images", Atomic),
        (typeof(V1NodeStatus), "volumesInUse", Atomic),
        (typeof(V1NodeStatus), "volumesAttached", Atomic),
        (typeof(V1NodeStatus), "runtimeHandlers", Atomic),
        (typeof(V1NodeStatus), "declaredFeatures", Atomic),
        (typeof(V1ContainerImage), "names", Atomic),

        // core/v1 Namespace
        (typeof(V1NamespaceSpec), "finalizers", Atomic),
        (typeof(V1NamespaceStatus), "conditions", MergeMap("type")),

        // core/v1 Service, Endpoints, ServiceAccount
        (typeof(V1ServiceSpec), "ports", MergeMap("port", "protocol")),
        (typeof(V1ServiceSpec), "selector", AtomicMap),
        (typeof(V1ServiceSpec), "clusterIPs", Atomic),
        (typeof(V1ServiceSpec), "externalIPs", Atomic),
        (typeof(V1ServiceSpec), "loadBalancerSourceRanges", Atomic),
        (typeof(V1ServiceSpec), "ipFamilies", Atomic),
        (typeof(V1ServiceStatus), "conditions", MergeMap("type")),
        (typeof(V1LoadBalancerStatus), "ingress", Atomic),
        (typeof(V1LoadBalancerIngress), "ports", Atomic),
        (typeof(V1Endpoints), "subsets", Atomic),
        (typeof(V1EndpointSubset), "addresses", Atomic),
        (typeof(V1EndpointSubset), "notReadyAddresses", Atomic),
        (typeof(V1EndpointSubset), "ports", Atomic),
        (typeof(V1ServiceAccount), "secrets", MergeMap("name")),
        (typeof(V1ServiceAccount), "imagePullSecrets", Atomic),

        // apps/v1
        (typeof(V1DeploymentSpec), "strategy", new(PatchStrategies.RetainKeys)),
        (typeof(V1DeploymentStatus), "conditions", MergeMap("type")),
        (typeof(V1ReplicaSetStatus), "conditions", MergeMap("type")),

        // networking.k8s.io/v1alpha1 (KEP-3698; served natively, Apis/Networking). parametersRefs and core/v1
        // PodSpec.networks carry no markers in the fork, so they are atomic and absent here.
        (typeof(PodNetworkStatus), "conditions", MergeMap("type")),
        (typeof(PodNetworkAttachmentStatus), "conditions", MergeMap("type")),

        // discovery.k8s.io/v1
        (typeof(V1EndpointSlice), "endpoints", Atomic),
        (typeof(V1EndpointSlice), "ports", Atomic),
        (typeof(V1Endpoint), "addresses", Set),
        (typeof(V1EndpointHints), "forZones", Atomic),
        (typeof(V1EndpointHints), "forNodes", Atomic),
    ];

    /// <summary>Structs tagged +structType=atomic: replaced whole by server-side apply (x-kubernetes-map-type: atomic).</summary>
    private static readonly Type[] AtomicStructs =
    [
        typeof(V1LabelSelector),
        typeof(V1LocalObjectReference),
        typeof(V1ObjectReference),
        typeof(V1TypedLocalObjectReference),
        typeof(V1ConfigMapKeySelector),
        typeof(V1SecretKeySelector),
        typeof(V1ObjectFieldSelector),
        typeof(V1ResourceFieldSelector),
        typeof(V1NodeSelector),
        typeof(V1NodeSelectorTerm),
    ];

    private static readonly FrozenDictionary<(Type Model, string Field), FieldSemantics> ByField =
        Fields.ToFrozenDictionary(f => (f.Model, f.Field), f => f.Semantics);

    private static readonly FrozenSet<Type> AtomicStructSet = AtomicStructs.ToFrozenSet();

    /// <summary>The semantics of a field by model type and JSON name, or null when it has the defaults.</summary>
    public static FieldSemantics? For(Type model, string jsonField) => ByField.GetValueOrDefault((model, jsonField));

    /// <summary>Whether a model type is an atomic struct.</summary>
    public static bool IsAtomicStruct(Type model) => AtomicStructSet.Contains(model);

    /// <summary>Every entry, for tests that check the table against the models.</summary>
    public static IEnumerable<(Type Model, string Field, FieldSemantics Semantics)> All => Fields;
}
