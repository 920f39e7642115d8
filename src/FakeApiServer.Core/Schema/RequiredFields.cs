using System.Collections.Frozen;
using k8s.Models;

namespace FakeApiServer.Schema;

/// <summary>
/// Required fields of the built-in models that the KubernetesClient types cannot express. The generator makes
/// required value-type fields non-nullable (V1ContainerPort.ContainerPort is int, not int?), and BuiltInSchemas
/// reads that by reflection; required strings, lists and structs look optional in C#, so they are listed here as
/// upstream's OpenAPI has them ("required" of each definition), for the types reachable from the served kinds.
/// </summary>
internal static class RequiredFields
{
    private static readonly (Type Model, string[] Fields)[] Table =
    [
        // meta/v1
        (typeof(V1OwnerReference), ["apiVersion", "kind", "name", "uid"]),
        (typeof(V1LabelSelectorRequirement), ["key", "operator"]),
        (typeof(V1Condition), ["type", "status", "lastTransitionTime", "reason", "message"]),

        // core/v1 pods
        (typeof(V1PodSpec), ["containers"]),
        (typeof(V1Container), ["name"]),
        (typeof(V1EphemeralContainer), ["name"]),
        (typeof(V1EnvVar), ["name"]),
        (typeof(V1Volume), ["name"]),
        (typeof(V1VolumeMount), ["name", "mountPath"]),
        (typeof(V1VolumeDevice), ["name", "devicePath"]),
        (typeof(V1ContainerResizePolicy), ["resourceName", "restartPolicy"]),
        (typeof(V1KeyToPath), ["key", "path"]),
        (typeof(V1HTTPHeader), ["name", "value"]),
        (typeof(V1HTTPGetAction), ["port"]),
        (typeof(V1TCPSocketAction), ["port"]),
        (typeof(V1Sysctl), ["name", "value"]),
        (typeof(V1ConfigMapKeySelector), ["key"]),
        (typeof(V1SecretKeySelector), ["key"]),
        (typeof(V1ObjectFieldSelector), ["fieldPath"]),
        (typeof(V1ResourceFieldSelector), ["resource"]),
        (typeof(V1FileKeySelector), ["volumeName", "path", "key"]),
        (typeof(V1PodReadinessGate), ["conditionType"]),
        (typeof(V1PodSchedulingGate), ["name"]),
        (typeof(V1PodResourceClaim), ["name"]),
        (typeof(Corev1ResourceClaim), ["name"]),
        (typeof(V1PodOS), ["name"]),
        (typeof(V1SeccompProfile), ["type"]),
        (typeof(V1AppArmorProfile), ["type"]),
        (typeof(V1TopologySpreadConstraint), ["maxSkew", "topologyKey", "whenUnsatisfiable"]),
        (typeof(V1NodeSelector), ["nodeSelectorTerms"]),
        (typeof(V1NodeSelectorRequirement), ["key", "operator"]),
        (typeof(V1PreferredSchedulingTerm), ["weight", "preference"]),
        (typeof(V1PodAffinityTerm), ["topologyKey"]),
        (typeof(V1WeightedPodAffinityTerm), ["weight", "podAffinityTerm"]),
        (typeof(V1TypedLocalObjectReference), ["kind", "name"]),
        (typeof(V1TypedObjectReference), ["kind", "name"]),
        (typeof(V1DownwardAPIVolumeFile), ["path"]),
        (typeof(V1ServiceAccountTokenProjection), ["path"]),
        (typeof(V1ClusterTrustBundleProjection), ["path"]),
        (typeof(V1PersistentVolumeClaimTemplate), ["spec"]),
        (typeof(V1AWSElasticBlockStoreVolumeSource), ["volumeID"]),
        (typeof(V1AzureDiskVolumeSource), ["diskName", "diskURI"]),
        (typeof(V1AzureFileVolumeSource), ["secretName", "shareName"]),
        (typeof(V1CephFSVolumeSource), ["monitors"]),
        (typeof(V1CinderVolumeSource), ["volumeID"]),
        (typeof(V1CSIVolumeSource), ["driver"]),
        (typeof(V1FlexVolumeSource), ["driver"]),
        (typeof(V1GCEPersistentDiskVolumeSource), ["pdName"]),
        (typeof(V1GitRepoVolumeSource), ["repository"]),
        (typeof(V1GlusterfsVolumeSource), ["endpoints", "path"]),
        (typeof(V1HostPathVolumeSource), ["path"]),
        (typeof(V1ISCSIVolumeSource), ["targetPortal", "iqn", "lun"]),
        (typeof(V1NFSVolumeSource), ["server", "path"]),
        (typeof(V1PersistentVolumeClaimVolumeSource), ["claimName"]),
        (typeof(V1PhotonPersistentDiskVolumeSource), ["pdID"]),
        (typeof(V1PortworxVolumeSource), ["volumeID"]),
        (typeof(V1QuobyteVolumeSource), ["registry", "volume"]),
        (typeof(V1RBDVolumeSource), ["monitors", "image"]),
        (typeof(V1ScaleIOVolumeSource), ["gateway", "system", "secretRef"]),
        (typeof(V1VsphereVirtualDiskVolumeSource), ["volumePath"]),

        // core/v1 pod status
        (typeof(V1PodCondition), ["type", "status"]),
        (typeof(V1PodIP), ["ip"]),
        (typeof(V1HostIP), ["ip"]),
        (typeof(V1ContainerStatus), ["name", "ready", "restartCount", "image", "imageID"]),
        (typeof(V1VolumeMountStatus), ["name", "mountPath"]),
        (typeof(V1ResourceStatus), ["name"]),
        (typeof(V1ResourceHealth), ["resourceID"]),
        (typeof(V1PodResourceClaimStatus), ["name"]),
        (typeof(V1PodExtendedResourceClaimStatus), ["requestMappings", "resourceClaimName"]),
        (typeof(V1ContainerExtendedResourceRequest), ["containerName", "resourceName", "requestName"]),

        // core/v1 other kinds
        (typeof(V1NamespaceCondition), ["type", "status"]),
        (typeof(V1NodeCondition), ["type", "status"]),
        (typeof(V1NodeAddress), ["type", "address"]),
        (typeof(V1Taint), ["key", "effect"]),
        (typeof(V1AttachedVolume), ["name", "devicePath"]),
        (typeof(V1NodeSystemInfo), ["machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"]),
        (typeof(V1ServicePort), ["port"]),
        (typeof(V1PortStatus), ["port", "protocol"]),
        (typeof(V1EndpointAddress), ["ip"]),
        (typeof(Corev1EndpointPort), ["port"]),
        (typeof(Corev1Event), ["metadata", "involvedObject"]),
        (typeof(V1Binding), ["target"]),

        // apps/v1
        (typeof(V1DeploymentSpec), ["selector", "template"]),
        (typeof(V1DeploymentCondition), ["type", "status"]),
        (typeof(V1ReplicaSetSpec), ["selector"]),
        (typeof(V1ReplicaSetCondition), ["type", "status"]),

        // discovery.k8s.io/v1, events.k8s.io/v1, coordination.k8s.io/v1
        (typeof(V1EndpointSlice), ["addressType", "endpoints"]),
        (typeof(V1Endpoint), ["addresses"]),
        (typeof(V1ForZone), ["name"]),
        (typeof(V1ForNode), ["name"]),
        (typeof(Eventsv1Event), ["eventTime"]),
    ];

    private static readonly FrozenDictionary<Type, string[]> ByType = Table.ToFrozenDictionary(t => t.Model, t => t.Fields);

    /// <summary>The listed required JSON field names of a model type (not including non-nullable value types).</summary>
    public static IReadOnlyList<string> For(Type model) => ByType.GetValueOrDefault(model) ?? [];

    /// <summary>Every entry, for tests that check the table against the models.</summary>
    public static IEnumerable<(Type Model, string[] Fields)> All => Table;
}
