using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Metrics.NodeMetrics;

/// <summary>NodeMetrics as metrics-server's ConvertToTable: NAME, cpu, memory, WINDOW.</summary>
internal static class NodeMetricsTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        MetricsColumns.Name,
        new TableCell(MetricsColumns.Cpu, (o, _) => TableCells.GetString(o, "usage", "cpu") ?? ""),
        new TableCell(MetricsColumns.Memory, (o, _) => TableCells.GetString(o, "usage", "memory") ?? ""),
        new TableCell(MetricsColumns.Window, (o, _) => TableCells.GetString(o, "window") ?? ""));
}
