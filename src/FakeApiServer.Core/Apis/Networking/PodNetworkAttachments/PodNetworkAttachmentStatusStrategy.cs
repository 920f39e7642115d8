using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.PodNetworkAttachments;

/// <summary>podnetworkattachments/status: only status (and labels and annotations) change; spec is kept from the stored object.</summary>
internal sealed class PodNetworkAttachmentStatusStrategy(IResourceStrategy main) : NetworkingStatusStrategy(main);
