using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.ConfigMaps;

/// <summary>ConfigMaps as kube-apiserver's printConfigMap: NAME DATA AGE, DATA counting data and binaryData keys.</summary>
internal sealed class ConfigMapTable : ITablePrinter
{
    private static readonly TableColumn[] ConfigMapColumns =
    [
        TableCells.NameColumn,
        new("Data", "string", "", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => ConfigMapColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), (long)(TableCells.Count(obj, "data") + TableCells.Count(obj, "binaryData")), TableCells.Age(obj, now)];
}
