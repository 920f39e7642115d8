using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Networking;

/// <summary>Table cells shared by the PodNetwork and PodNetworkAttachment printers.</summary>
internal static class NetworkingCells
{
    /// <summary>The status of the Ready condition, or Unknown while no controller has set one.</summary>
    public static string Ready(JsonObject obj)
    {
        var ready = TableCells.Objects(obj, "status", "conditions").FirstOrDefault(c => TableCells.GetString(c, "type") == "Ready");
        return TableCells.GetString(ready, "status") is { Length: > 0 } status ? status : "Unknown";
    }

    /// <summary>The PARAMETERS cell: kind/namespace/name (kind/name without a namespace), comma separated, or &lt;none&gt;.</summary>
    public static string Parameters(JsonNode? refs)
    {
        var cells = new List<string>();
        foreach (var item in (refs as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var ns = TableCells.GetString(item, "namespace");
            var kind = TableCells.GetString(item, "kind") ?? "";
            var name = TableCells.GetString(item, "name") ?? "";
            cells.Add(string.IsNullOrEmpty(ns) ? kind + "/" + name : kind + "/" + ns + "/" + name);
        }

        return cells.Count == 0 ? TableCells.None : TableCells.Join(cells);
    }
}
