using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Tables;

/// <summary>
/// Server-side printing of one kind (meta.k8s.io/v1 Table), as kube-apiserver's printers: the column
/// definitions and, for one object, the cells of its row. Pure: no I/O, no mutation of the object.
/// </summary>
internal interface ITablePrinter
{
    /// <summary>The columns, in order; priority 0 columns are shown by default, 1 only with -o wide.</summary>
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The cells of <paramref name="obj"/>'s row, one per column (strings, numbers or booleans).</summary>
    /// <param name="obj">The object as served (JSON).</param>
    /// <param name="now">The current time, for ages.</param>
    IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now);
}

/// <summary>A metav1.TableColumnDefinition.</summary>
internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);
