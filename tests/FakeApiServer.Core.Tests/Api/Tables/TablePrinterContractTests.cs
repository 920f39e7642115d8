using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Tests.Api.Tables;

public sealed class TablePrinterContractTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> PrinterTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in Printers())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Fact]
    public void Every_built_in_printer_is_found()
    {
        var names = Printers().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "DefaultTablePrinter", "PodTable", "ServiceTable", "NodeTable", "NamespaceTable", "EndpointsTable",
                "EventTable", "ConfigMapTable", "SecretTable", "DeploymentTable", "ReplicaSetTable",
                "EndpointSliceTable", "EventsV1EventTable", "LeaseTable",
            },
            names);
    }

    [Theory]
    [MemberData(nameof(PrinterTypes))]
    public void Printer_gives_one_cell_per_column(string typeName)
    {
        var printer = Create(typeName);
        var minimal = JsonNode.Parse("{}")!.AsObject();
        var withMetadata = JsonNode.Parse("""{"metadata":{"name":"x","namespace":"default","creationTimestamp":"2024-06-01T11:00:00Z"}}""")!.AsObject();

        Assert.Equal(printer.Columns.Count, printer.Cells(minimal, Now).Count);
        Assert.Equal(printer.Columns.Count, printer.Cells(withMetadata, Now).Count);
    }

    [Theory]
    [MemberData(nameof(PrinterTypes))]
    public void Printer_columns_are_well_formed(string typeName)
    {
        var columns = Create(typeName).Columns;

        Assert.NotEmpty(columns);
        Assert.All(columns, c =>
        {
            Assert.Contains(c.Type, new[] { "string", "integer", "number", "boolean", "date" });
            Assert.False(string.IsNullOrWhiteSpace(c.Description));
            Assert.InRange(c.Priority, 0, 1);
        });
        Assert.Equal(columns.Count, columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(PrinterTypes))]
    public void Printer_cells_are_strings_numbers_or_booleans(string typeName)
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"x","creationTimestamp":"2024-06-01T11:00:00Z"}}""")!.AsObject();

        Assert.All(Create(typeName).Cells(obj, Now), cell => Assert.True(cell is null or string or long or int or double or bool));
    }

    private static IEnumerable<Type> Printers() =>
        typeof(ITablePrinter).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITablePrinter).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static ITablePrinter Create(string typeName) =>
        (ITablePrinter)Activator.CreateInstance(typeof(ITablePrinter).Assembly.GetType(typeName, throwOnError: true)!)!;
}
