using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// The CRD table, upstream's default table convertor (rest.NewDefaultTableConvertor): NAME and CREATED AT, the
/// creation time in RFC 3339 (UTC, seconds).
/// </summary>
internal sealed class CustomResourceDefinitionTable : ITablePrinter
{
    private static readonly TableColumn[] DefaultColumns =
    [
        TableCells.NameColumn,
        new("Created At", "date", "", TableCells.CreationTimestampDescription),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => DefaultColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), TableCells.Timestamp(TableCells.Get(obj, "metadata", "creationTimestamp"))?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)];
}
