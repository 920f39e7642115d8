using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.ApiRegistration.APIServices;

/// <summary>
/// APIServices as kube-aggregator's printer: NAME SERVICE ("Local" or namespace/name) AVAILABLE (the Available condition's
/// status, with its reason in parentheses when not True; Unknown without it) AGE.
/// </summary>
internal static class APIServiceTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Service", "string", "", "The reference to the service that hosts this API endpoint."),
            (o, _) => TableCells.Get(o, "spec", "service") is JsonObject s ? TableCells.GetString(s, "namespace") + "/" + TableCells.GetString(s, "name") : "Local"),
        new(new TableColumn("Available", "string", "", "Whether this service is available."), (o, _) => Available(o)),
        ColumnTable.Age);

    private static string Available(JsonObject o)
    {
        var condition = TableCells.Objects(o, "status", "conditions").FirstOrDefault(c => TableCells.GetString(c, "type") == "Available");
        if (condition is null)
        {
            return "Unknown";
        }

        var status = TableCells.GetString(condition, "status") ?? "";
        var reason = TableCells.GetString(condition, "reason") ?? "";
        return status != "True" && reason.Length > 0 ? $"{status} ({reason})" : status;
    }
}
