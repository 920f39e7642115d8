using System.Text.Json.Serialization;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>Network defines what PodNetwork to attach the Pod to (KEP-3698).</summary>
[ApiModel("io.k8s.api.core.v1.Network")]
internal sealed record Network
{
    /// <summary>
    /// PodNetworkName is the name of the PodNetwork to attach. Only one of: [PodNetworkName, PodNetworkAttachmentName]
    /// can be set.
    /// </summary>
    [JsonPropertyName("podNetworkName")]
    public string? PodNetworkName { get; set; }

    /// <summary>
    /// PodNetworkAttachmentName is the name of the PodNetworkAttachment, in the pod's namespace, to attach. Only one
    /// of: [PodNetworkName, PodNetworkAttachmentName] can be set.
    /// </summary>
    [JsonPropertyName("podNetworkAttachmentName")]
    public string? PodNetworkAttachmentName { get; set; }

    /// <summary>
    /// InterfaceName is the network interface name inside the Pod for this attachment. Examples: eth1 or net1. It must
    /// be unique within the pod.
    /// </summary>
    [JsonPropertyName("interfaceName")]
    public string? InterfaceName { get; set; }

    /// <summary>
    /// IsDefaultGW4 is a flag indicating this PodNetwork will hold the IPv4 Default Gateway inside the Pod. Only one
    /// Network in the Pod can have it set.
    /// </summary>
    [JsonPropertyName("isDefaultGW4")]
    public bool? IsDefaultGW4 { get; set; }

    /// <summary>
    /// IsDefaultGW6 is a flag indicating this PodNetwork will hold the IPv6 Default Gateway inside the Pod. Only one
    /// Network in the Pod can have it set.
    /// </summary>
    [JsonPropertyName("isDefaultGW6")]
    public bool? IsDefaultGW6 { get; set; }
}

/// <summary>The field KEP-3698 adds to core/v1 PodSpec.</summary>
[ApiFieldsOf(typeof(V1PodSpec))]
internal sealed record PodSpecNetworks
{
    /// <summary>
    /// Networks is a list of PodNetworks that will be attached to the Pod. The default network (kubernetes) is
    /// appended when absent. This field is immutable. Requires the MultiNetwork feature gate.
    /// </summary>
    [JsonPropertyName("networks")]
    public IList<Network>? Networks { get; set; }
}

/// <summary>The fields KEP-3698 adds to core/v1 PodIP.</summary>
[ApiFieldsOf(typeof(V1PodIP))]
internal sealed record PodIPNetwork
{
    /// <summary>PodNetwork is the name of the PodNetwork this IP belongs to; empty for host-network pods.</summary>
    [JsonPropertyName("podNetwork")]
    public string? PodNetwork { get; set; }

    /// <summary>InterfaceName is the name of the pod's network interface that holds this IP.</summary>
    [JsonPropertyName("interfaceName")]
    public string? InterfaceName { get; set; }
}
