using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Discovery.EndpointSlices;

/// <summary>
/// discovery.k8s.io/v1 EndpointSlice (pkg/registry/discovery/endpointslice/strategy.go): generation 1 on create, bumped
/// when anything but metadata changes, or the labels do (an EndpointSlice has no status).
/// </summary>
internal sealed class EndpointSliceStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    public override bool GenerationChanged(JsonObject newObj, JsonObject oldObj) =>
        DesiredState.ChangedOutsideMetadata(newObj, oldObj) || !JsonNode.DeepEquals(newObj.Metadata()["labels"], oldObj.Metadata()["labels"]);
}
