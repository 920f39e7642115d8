using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Nodes;

/// <summary>
/// core/v1 Node (pkg/registry/core/node/strategy.go): unlike most kinds, a node keeps the status it is created with,
/// because the kubelet registers its node with addresses, capacity and node info in one create.
/// Updates through the main resource keep the stored status, as for every kind with a status subresource.
/// </summary>
internal sealed class NodeStrategy() : ResourceStrategy(hasStatus: true)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        // Status kept on purpose (see the type's summary).
    }
}
