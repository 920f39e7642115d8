using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Storage.CSIStorageCapacities;

/// <summary>CSIStorageCapacities as kube-apiserver's printCSIStorageCapacity: NAME STORAGECLASSNAME CAPACITY ("&lt;unset&gt;" when nil) AGE.</summary>
internal static class CSIStorageCapacityTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("StorageClassName", "string", typeof(V1CSIStorageCapacity), "StorageClassName"), (o, _) => TableCells.GetString(o, "storageClassName") ?? ""),
        new(ColumnTable.Column("Capacity", "string", typeof(V1CSIStorageCapacity), "Capacity"), (o, _) => TableCells.Get(o, "capacity")?.ToString() ?? "<unset>"),
        ColumnTable.Age);
}
