using System.Text.Json.Serialization;
using FakeApiServer.Schema;
using k8s;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.PodNetworks;

/// <summary>
/// PodNetwork represents a logical network in the K8s Cluster. This logical network depends on the host networking
/// setup on cluster nodes.
/// </summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetwork")]
[KubernetesEntity(Group = "networking.k8s.io", Kind = "PodNetwork", ApiVersion = "v1alpha1", PluralName = "podnetworks")]
internal sealed record PodNetwork : IKubernetesObject<V1ObjectMeta>, ISpec<PodNetworkSpec>, IStatus<PodNetworkStatus?>
{
    /// <summary>
    /// APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized
    /// schemas to the latest internal value, and may reject unrecognized values. More info:
    /// https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources
    /// </summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "networking.k8s.io/v1alpha1";

    /// <summary>
    /// Kind is a string value representing the REST resource this object represents. Servers may infer this from the
    /// endpoint the client submits requests to. Cannot be updated. In CamelCase. More info:
    /// https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds
    /// </summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PodNetwork";

    /// <summary>
    /// Standard object's metadata. More info:
    /// https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata
    /// </summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Spec defines the behavior of a PodNetwork.</summary>
    [JsonPropertyName("spec")]
    public PodNetworkSpec Spec { get; set; } = new();

    /// <summary>Most recently observed status of the PodNetwork.</summary>
    [JsonPropertyName("status")]
    public PodNetworkStatus? Status { get; set; }
}

/// <summary>PodNetworkSpec contains the specifications for podNetwork object.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkSpec")]
internal sealed record PodNetworkSpec
{
    /// <summary>
    /// Enabled is used to administratively enable/disable a PodNetwork. When set to false, PodNetwork Ready condition
    /// will be set to False. Defaults to True.
    /// </summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>
    /// ParametersRefs points to the vendor or implementation specific params for the podNetwork. This field is
    /// immutable.
    /// </summary>
    [JsonPropertyName("parametersRefs")]
    public IList<ParametersRef>? ParametersRefs { get; set; }

    /// <summary>
    /// Provider specifies the provider implementing this PodNetwork, e.g. k8s.cni.cncf.io/multus. This field is
    /// immutable.
    /// </summary>
    [JsonPropertyName("provider")]
    public string? Provider { get; set; }
}

/// <summary>PodNetworkStatus contains the status information related to the PodNetwork.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkStatus")]
internal sealed record PodNetworkStatus
{
    /// <summary>
    /// Conditions describe the current conditions of the PodNetwork. Known condition types are: "Ready" and
    /// "ParamsReady".
    /// </summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}

/// <summary>PodNetworkList contains a list of PodNetworks.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkList")]
[KubernetesEntity(Group = "networking.k8s.io", Kind = "PodNetworkList", ApiVersion = "v1alpha1", PluralName = "podnetworks")]
internal sealed record PodNetworkList : IKubernetesObject<V1ListMeta>, IItems<PodNetwork>
{
    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "networking.k8s.io/v1alpha1";

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PodNetworkList";

    /// <summary>Standard list metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <summary>Items is a list of PodNetworks.</summary>
    [JsonPropertyName("items")]
    public IList<PodNetwork> Items { get; set; } = [];
}
