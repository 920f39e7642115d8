using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Networking.IPAddresses;
using FakeApiServer.Apis.Networking.IngressClasses;
using FakeApiServer.Apis.Networking.Ingresses;
using FakeApiServer.Apis.Networking.NetworkPolicies;
using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Apis.Networking.PodNetworks;
using FakeApiServer.Apis.Networking.ServiceCIDRs;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking;

/// <summary>
/// networking.k8s.io: v1 (Ingress, IngressClass, NetworkPolicy, IPAddress, ServiceCIDR; registered first, so v1 is the
/// preferred version) and v1alpha1 PodNetwork and PodNetworkAttachment (KEP-3698 multi-network). An alpha version, so
/// served only when --runtime-config enables it (api/alpha or networking.k8s.io/v1alpha1); like the fork, serving does
/// not depend on the MultiNetwork feature gate.
/// </summary>
internal static class NetworkingGroup
{
    public const string Name = "networking.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        var ingresses = new IngressStrategy();
        yield return new ResourceDefinition(Name, "v1", "Ingress", "ingresses", Namespaced: true)
        {
            ShortNames = ["ing"],
            Strategy = ingresses,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(ingresses)) },
            Table = IngressTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "IngressClass", "ingressclasses", Namespaced: false)
        {
            Strategy = new IngressClassStrategy(),
            Table = IngressClassTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "NetworkPolicy", "networkpolicies", Namespaced: true)
        {
            ShortNames = ["netpol"],
            Strategy = new NetworkPolicyStrategy(),
            Defaulter = NetworkPolicyDefaults.Instance,
            Table = NetworkPolicyTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "IPAddress", "ipaddresses", Namespaced: false)
        {
            ShortNames = ["ip"],
            Strategy = new IPAddressStrategy(),
            Table = IPAddressTable.Instance,
            NameValidator = IPAddressStrategy.ValidateName,
        };

        var serviceCidrs = new ServiceCIDRStrategy();
        yield return new ResourceDefinition(Name, "v1", "ServiceCIDR", "servicecidrs", Namespaced: false)
        {
            Strategy = serviceCidrs,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(serviceCidrs)) },
            Table = ServiceCIDRTable.Instance,
        };

        var podNetworks = new PodNetworkStrategy();
        yield return new ResourceDefinition(Name, "v1alpha1", "PodNetwork", "podnetworks", Namespaced: false)
        {
            ShortNames = ["pn"],
            Strategy = podNetworks,
            Defaulter = new ResourceDefaulter(PodNetworkStrategy.DefaultEnabled),
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new PodNetworkStatusStrategy(podNetworks)) },
            Table = new PodNetworkTable(),
        };

        var attachments = new PodNetworkAttachmentStrategy();
        yield return new ResourceDefinition(Name, "v1alpha1", "PodNetworkAttachment", "podnetworkattachments", Namespaced: true)
        {
            ShortNames = ["pna"],
            Strategy = attachments,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new PodNetworkAttachmentStatusStrategy(attachments)) },
            Table = new PodNetworkAttachmentTable(),
        };
    }
}
