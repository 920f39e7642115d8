using FakeApiServer.Apis.Node.RuntimeClasses;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Node;

/// <summary>node.k8s.io/v1.</summary>
internal static class NodeGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", Namespaced: false)
        {
            Strategy = new RuntimeClassStrategy(),
            Table = RuntimeClassTable.Instance,
        };
    }
}
