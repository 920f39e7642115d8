using FakeApiServer.Apis.Discovery.EndpointSlices;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Discovery;

/// <summary>discovery.k8s.io/v1.</summary>
internal static class DiscoveryGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", Namespaced: true)
        {
            Strategy = new EndpointSliceStrategy(),
            Table = new EndpointSliceTable(),
        };
    }
}
