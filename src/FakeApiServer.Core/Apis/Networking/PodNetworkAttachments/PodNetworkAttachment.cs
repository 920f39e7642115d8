using System.Text.Json.Serialization;
using FakeApiServer.Schema;
using k8s;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.PodNetworkAttachments;

/// <summary>
/// PodNetworkAttachment provides optional pod-level configuration of a PodNetwork: pods in its namespace attach to
/// the PodNetwork through it, with its parameters.
/// </summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkAttachment")]
[KubernetesEntity(Group = "networking.k8s.io", Kind = "PodNetworkAttachment", ApiVersion = "v1alpha1", PluralName = "podnetworkattachments")]
internal sealed record PodNetworkAttachment : IKubernetesObject<V1ObjectMeta>, ISpec<PodNetworkAttachmentSpec>, IStatus<PodNetworkAttachmentStatus?>
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
    public string Kind { get; set; } = "PodNetworkAttachment";

    /// <summary>
    /// Standard object's metadata. More info:
    /// https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata
    /// </summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Spec defines the behavior of a PodNetworkAttachment.</summary>
    [JsonPropertyName("spec")]
    public PodNetworkAttachmentSpec Spec { get; set; } = new() { PodNetworkName = "" };

    /// <summary>Most recently observed status of the PodNetworkAttachment.</summary>
    [JsonPropertyName("status")]
    public PodNetworkAttachmentStatus? Status { get; set; }
}

/// <summary>PodNetworkAttachmentSpec is the specification for the PodNetworkAttachment resource. It is immutable.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkAttachmentSpec")]
internal sealed record PodNetworkAttachmentSpec
{
    /// <summary>PodNetworkName refers to a PodNetwork object that this PodNetworkAttachment is connected to.</summary>
    [JsonPropertyName("podNetworkName")]
    public required string PodNetworkName { get; set; }

    /// <summary>ParametersRefs points to the vendor or implementation specific params for the PodNetworkAttachment.</summary>
    [JsonPropertyName("parametersRefs")]
    public IList<ParametersRef>? ParametersRefs { get; set; }
}

/// <summary>PodNetworkAttachmentStatus is the status for the PodNetworkAttachment resource.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkAttachmentStatus")]
internal sealed record PodNetworkAttachmentStatus
{
    /// <summary>
    /// Conditions describe the current conditions of the PodNetworkAttachment. Known condition types are: "Ready" and
    /// "ParamsReady".
    /// </summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}

/// <summary>PodNetworkAttachmentList contains a list of PodNetworkAttachments.</summary>
[ApiModel("io.k8s.api.networking.v1alpha1.PodNetworkAttachmentList")]
[KubernetesEntity(Group = "networking.k8s.io", Kind = "PodNetworkAttachmentList", ApiVersion = "v1alpha1", PluralName = "podnetworkattachments")]
internal sealed record PodNetworkAttachmentList : IKubernetesObject<V1ListMeta>, IItems<PodNetworkAttachment>
{
    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "networking.k8s.io/v1alpha1";

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PodNetworkAttachmentList";

    /// <summary>Standard list metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <summary>Items is a list of PodNetworkAttachments.</summary>
    [JsonPropertyName("items")]
    public IList<PodNetworkAttachment> Items { get; set; } = [];
}
