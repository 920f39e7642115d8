using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.PodNetworks;

/// <summary>podnetworks/status: only status (and labels and annotations) change; spec is kept from the stored object.</summary>
internal sealed class PodNetworkStatusStrategy(IResourceStrategy main) : NetworkingStatusStrategy(main);
