using System.Text.Json.Serialization;
using FakeApiServer.Schema;

namespace FakeApiServer.Apis.Networking;

/// <summary>
/// ParametersRef points to a custom resource containing additional parameters for the PodNetwork or the
/// PodNetworkAttachment, understood by its provider.
/// </summary>
[ApiModel("io.k8s.api.networking.v1alpha1.ParametersRef")]
internal sealed record ParametersRef
{
    /// <summary>Group is the API group of k8s resource, e.g. k8s.cni.cncf.io.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; set; }

    /// <summary>Kind is the API name of k8s resource, e.g. network-attachment-definitions.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; set; }

    /// <summary>Name of the resource.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; set; }

    /// <summary>Namespace of the resource.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }
}
