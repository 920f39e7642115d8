using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Apis.Networking.PodNetworks;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking;

/// <summary>
/// networking.k8s.io: v1alpha1 PodNetwork and PodNetworkAttachment (KEP-3698 multi-network). An alpha version, so
/// served only when --runtime-config enables it (api/alpha or networking.k8s.io/v1alpha1); like the fork, serving does
/// not depend on the MultiNetwork feature gate.
/// </summary>
internal static class NetworkingGroup
{
    public const string Name = "networking.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        var podNetworks = new PodNetworkStrategy();
        yield return new ResourceDefinition(Name, "v1alpha1", "PodNetwork", "podnetworks", Namespaced: false)
        {
            ShortNames = ["pn"],
            Strategy = podNetworks,
            Defaulter = new ResourceDefaulter(PodNetworkStrategy.DefaultEnabled),
            StatusStrategy = new PodNetworkStatusStrategy(podNetworks),
            Table = new PodNetworkTable(),
        };

        var attachments = new PodNetworkAttachmentStrategy();
        yield return new ResourceDefinition(Name, "v1alpha1", "PodNetworkAttachment", "podnetworkattachments", Namespaced: true)
        {
            ShortNames = ["pna"],
            Strategy = attachments,
            StatusStrategy = new PodNetworkAttachmentStatusStrategy(attachments),
            Table = new PodNetworkAttachmentTable(),
        };
    }
}
