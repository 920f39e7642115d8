using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// The comparisons upstream's strategies make to decide whether an update bumps metadata.generation: most compare the
/// spec; custom resources and EndpointSlices compare everything but metadata.
/// </summary>
internal static class DesiredState
{
    /// <summary>True when .spec differs.</summary>
    public static bool SpecChanged(JsonObject newObj, JsonObject oldObj) => !JsonNode.DeepEquals(newObj["spec"], oldObj["spec"]);

    /// <summary>True when the objects differ outside metadata (status included, as a custom resource without a status subresource).</summary>
    public static bool ChangedOutsideMetadata(JsonObject newObj, JsonObject oldObj) =>
        newObj.Where(p => p.Key != "metadata").Any(p => !JsonNode.DeepEquals(p.Value, oldObj[p.Key]))
        || oldObj.Any(p => p.Key != "metadata" && !newObj.ContainsKey(p.Key));
}
