using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Apps.ControllerRevisions;

/// <summary>
/// ControllerRevisions as kube-apiserver's printControllerRevision: NAME CONTROLLER (kind.group/name of the controller
/// owner, lower case) REVISION AGE.
/// </summary>
internal static class ControllerRevisionTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Controller", "string", "", "Controller of the object"), (o, _) => Controller(o)),
        new(ColumnTable.Column("Revision", "integer", typeof(V1ControllerRevision), "Revision"), (o, _) => TableCells.GetInt64(o, "revision") ?? 0),
        ColumnTable.Age);

    private static string Controller(JsonObject o)
    {
        var owner = TableCells.Objects(o, "metadata", "ownerReferences").FirstOrDefault(r => TableCells.IsTrue(r, "controller"));
        if (owner is null)
        {
            return TableCells.None;
        }

        var apiVersion = TableCells.GetString(owner, "apiVersion") ?? "";
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        var kind = (TableCells.GetString(owner, "kind") ?? "").ToLowerInvariant();
        return (group.Length > 0 ? kind + "." + group : kind) + "/" + TableCells.GetString(owner, "name");
    }
}
