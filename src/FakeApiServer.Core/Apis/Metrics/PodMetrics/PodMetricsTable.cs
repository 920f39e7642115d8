using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using FakeApiServer.Quota;

namespace FakeApiServer.Apis.Metrics.PodMetrics;

/// <summary>PodMetrics as metrics-server's ConvertToTable: NAME, then cpu and memory summed over the containers, then WINDOW.</summary>
internal static class PodMetricsTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        MetricsColumns.Name,
        new TableCell(MetricsColumns.Cpu, (o, _) => Sum(o, "cpu")),
        new TableCell(MetricsColumns.Memory, (o, _) => Sum(o, "memory")),
        new TableCell(MetricsColumns.Window, (o, _) => TableCells.GetString(o, "window") ?? ""));

    private static string Sum(JsonObject podMetrics, string resource) =>
        TableCells.Objects(podMetrics, "containers")
            .Select(c => ResourceAmount.Parse(c["usage"]?[resource]) ?? ResourceAmount.Zero)
            .Aggregate(ResourceAmount.Zero, (sum, amount) => sum.Add(amount))
            .ToString();
}
