using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Namespaces;

/// <summary>Namespaces as kube-apiserver's printNamespace: NAME STATUS AGE.</summary>
internal sealed class NamespaceTable : ITablePrinter
{
    private static readonly TableColumn[] NamespaceColumns =
    [
        TableCells.NameColumn,
        new("Status", "string", "", "The status of the namespace"),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => NamespaceColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), TableCells.GetString(obj, "status", "phase") ?? "", TableCells.Age(obj, now)];
}
