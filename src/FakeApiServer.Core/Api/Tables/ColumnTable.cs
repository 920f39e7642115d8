using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Api.Tables;

/// <summary>
/// A printer given as its columns, each with how it reads its cell from an object, for the kinds whose printer is a
/// plain list of fields (upstream's printers.go functions that append one value per column).
/// </summary>
internal sealed class ColumnTable : ITablePrinter
{
    private readonly TableCell[] _cells;
    private readonly TableColumn[] _columns;

    public ColumnTable(params TableCell[] cells)
    {
        _cells = cells;
        _columns = [.. cells.Select(c => c.Column)];
    }

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) => [.. _cells.Select(c => c.Read(obj, now))];

    /// <summary>The Name column.</summary>
    public static TableCell Name => new(TableCells.NameColumn, (o, _) => TableCells.Name(o));

    /// <summary>The Age column.</summary>
    public static TableCell Age => new(TableCells.AgeColumn, TableCells.Age);

    /// <summary>The Containers column of a pod template's containers at <paramref name="path"/> (layoutContainerCells).</summary>
    public static TableCell Containers(int priority, params string[] path) =>
        new(new TableColumn("Containers", "string", "", TableCells.ContainersDescription, priority), (o, _) => TableCells.ContainerCells(TableCells.Get(o, path)).Names);

    /// <summary>The Images column of a pod template's containers at <paramref name="path"/>.</summary>
    public static TableCell Images(int priority, params string[] path) =>
        new(new TableColumn("Images", "string", "", TableCells.ImagesDescription, priority), (o, _) => TableCells.ContainerCells(TableCells.Get(o, path)).Images);

    /// <summary>A column described by a field's upstream documentation, e.g. (typeof(V1JobSpec), "Completions").</summary>
    public static TableColumn Column(string name, string type, Type model, string property, int priority = 0) =>
        new(name, type, "", ModelDocs.ForProperty(model, property) ?? "", priority);
}

/// <summary>One column of a <see cref="ColumnTable"/> and how its cell is read.</summary>
internal sealed record TableCell(TableColumn Column, Func<JsonObject, DateTimeOffset, object?> Read);
