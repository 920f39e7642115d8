using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The table of a custom resource version, as upstream's tableconvertor: Name, then the version's
/// additionalPrinterColumns in order; a version without any gets the default Age column (serveDefaultColumnsIfEmpty),
/// so the default table is NAME AGE. A string column prints what the path reaches, a date column the age since that
/// timestamp, integer, number and boolean columns the value itself; a path reaching nothing gives a null cell.
/// </summary>
internal sealed class CustomResourceTable : ITablePrinter
{
    private readonly IReadOnlyList<(TableColumn Column, PrinterColumnPath? Path)> _columns;

    private CustomResourceTable(IReadOnlyList<(TableColumn Column, PrinterColumnPath? Path)> columns)
    {
        _columns = columns;
        Columns = [TableCells.NameColumn, .. columns.Select(c => c.Column)];
    }

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The printer of one CRD version from its additionalPrinterColumns (null or empty: NAME AGE).</summary>
    public static CustomResourceTable For(JsonArray? additionalPrinterColumns)
    {
        var columns = new List<(TableColumn, PrinterColumnPath?)>();
        foreach (var column in additionalPrinterColumns?.OfType<JsonObject>() ?? [])
        {
            var path = PrinterColumnPath.TryParse(column.GetString("jsonPath") ?? "", out _);
            columns.Add((new TableColumn(
                column.GetString("name") ?? "",
                column.GetString("type") ?? "string",
                column.GetString("format") ?? "",
                column.GetString("description") ?? "",
                (int)(column.GetInt64("priority") ?? 0)), path));
        }

        if (columns.Count == 0)
        {
            columns.Add((new TableColumn("Age", "date", "", TableCells.CreationTimestampDescription),
                PrinterColumnPath.TryParse(".metadata.creationTimestamp", out _)));
        }

        return new CustomResourceTable(columns);
    }

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var cells = new List<object?>(Columns.Count) { TableCells.Name(obj) };
        foreach (var (column, path) in _columns)
        {
            var values = path?.Find(obj) ?? [];
            cells.Add(values.Count == 0 ? null : Cell(column.Type, values, now));
        }

        return cells;
    }

    private static object? Cell(string type, IReadOnlyList<JsonNode?> values, DateTimeOffset now)
    {
        var value = values[0];
        switch (type)
        {
            case "string":
                // jsonpath's PrintResults: values separated by a space, strings unquoted, objects and lists as JSON.
                return string.Join(' ', values.Select(Text));
            case "date":
                return value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? TableCells.Since(value, now) : null;
            case "integer" when value is JsonValue i && i.GetValueKind() == JsonValueKind.Number:
                return i.TryGetValue(out long l) ? l : (long)i.GetValue<double>();
            case "number" when value is JsonValue n && n.GetValueKind() == JsonValueKind.Number:
                return n.GetValue<double>();
            case "boolean" when value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return b.GetValue<bool>();
            default:
                return null;
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => node.ToJsonString(),
    };
}
