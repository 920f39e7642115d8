using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Metrics;

/// <summary>The columns metrics-server's tables share: the name, one quantity per resource (sorted: cpu, memory), the window.</summary>
internal static class MetricsColumns
{
    public static readonly TableCell Name = new(new TableColumn("Name", "string", "name", "Name of the resource"), (o, _) => TableCells.Name(o));

    public static readonly TableColumn Cpu = new("cpu", "string", "quantity", "");

    public static readonly TableColumn Memory = new("memory", "string", "quantity", "");

    public static readonly TableColumn Window = new("Window", "string", "duration", "");
}
