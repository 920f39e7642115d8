using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.LimitRanges;

/// <summary>
/// core/v1 SetDefaults_LimitRangeItem: for a Container item, default (limits) takes max where unset, then defaultRequest
/// takes default, then min.
/// </summary>
internal static class LimitRangeDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        foreach (var item in (obj["spec"]?["limits"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (item.GetString("type") != "Container")
            {
                continue;
            }

            var limits = Fill(item, "default", item["max"]);
            Fill(item, "defaultRequest", limits);
            Fill(item, "defaultRequest", item["min"]);
        }
    });

    /// <summary>Copies each entry of <paramref name="from"/> missing in item[<paramref name="property"/>]; an empty map stays absent, as Go omits it.</summary>
    private static JsonObject? Fill(JsonObject item, string property, JsonNode? from)
    {
        var target = item[property] as JsonObject;
        foreach (var (name, value) in from as JsonObject ?? [])
        {
            if (target is null)
            {
                target = [];
                item[property] = target;
            }

            target[name] ??= value?.DeepClone();
        }

        return target;
    }
}
