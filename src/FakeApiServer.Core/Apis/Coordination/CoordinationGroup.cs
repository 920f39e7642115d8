using FakeApiServer.Apis.Coordination.Leases;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Coordination;

/// <summary>coordination.k8s.io/v1.</summary>
internal static class CoordinationGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition("coordination.k8s.io", "v1", "Lease", "leases", Namespaced: true)
        {
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = new LeaseTable(),
        };
    }
}
