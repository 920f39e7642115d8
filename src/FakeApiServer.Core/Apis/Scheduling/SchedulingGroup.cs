using FakeApiServer.Apis.Scheduling.PriorityClasses;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Scheduling;

/// <summary>scheduling.k8s.io/v1.</summary>
internal static class SchedulingGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", Namespaced: false)
        {
            ShortNames = ["pc"],
            Strategy = new PriorityClassStrategy(),
            Defaulter = PriorityClassStrategy.Defaults,
            Table = PriorityClassTable.Instance,
            DeleteRefusal = SystemPriorityClasses.DeleteRefusal,
        };
    }
}
