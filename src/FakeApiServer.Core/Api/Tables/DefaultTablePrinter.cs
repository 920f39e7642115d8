using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Tables;

/// <summary>
/// The printer for every kind without its own: Name and Age, as kube-apiserver prints a custom
/// resource without additionalPrinterColumns (Age is a "date" column there, printed as a duration).
/// </summary>
internal sealed class DefaultTablePrinter : ITablePrinter
{
    private static readonly TableColumn[] DefaultColumns =
    [
        TableCells.NameColumn,
        new("Age", "date", "", TableCells.CreationTimestampDescription),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => DefaultColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), TableCells.Age(obj, now)];
}
