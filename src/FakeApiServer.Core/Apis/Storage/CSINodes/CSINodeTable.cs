using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Storage.CSINodes;

/// <summary>CSINodes as kube-apiserver's printCSINode: NAME DRIVERS (how many) AGE.</summary>
internal static class CSINodeTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Drivers", "integer", typeof(V1CSINodeSpec), "Drivers"), (o, _) => (long)TableCells.Count(o, "spec", "drivers")),
        ColumnTable.Age);
}
