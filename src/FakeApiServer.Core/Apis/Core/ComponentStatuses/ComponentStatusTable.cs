using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.ComponentStatuses;

/// <summary>
/// ComponentStatuses as kube-apiserver's printComponentStatus: NAME STATUS (Healthy, Unhealthy or Unknown from the Healthy
/// condition) MESSAGE ERROR.
/// </summary>
internal static class ComponentStatusTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Status", "string", "", "Status of the component conditions"), (o, _) => Healthy(o) is { } c ? TableCells.GetString(c, "status") == "True" ? "Healthy" : "Unhealthy" : "Unknown"),
        new(new TableColumn("Message", "string", "", "Message of the component conditions"), (o, _) => TableCells.GetString(Healthy(o), "message") ?? ""),
        new(new TableColumn("Error", "string", "", "Error of the component conditions"), (o, _) => TableCells.GetString(Healthy(o), "error") ?? ""));

    private static JsonObject? Healthy(JsonObject o) => TableCells.Objects(o, "conditions").FirstOrDefault(c => TableCells.GetString(c, "type") == "Healthy");
}
