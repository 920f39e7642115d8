using FakeApiServer.Api.Tables;
using FakeApiServer.Apis.Core.PersistentVolumes;
using k8s.Models;

namespace FakeApiServer.Apis.Core.PersistentVolumeClaims;

/// <summary>
/// PersistentVolumeClaims as kube-apiserver's printPersistentVolumeClaim: NAME STATUS VOLUME CAPACITY ACCESS MODES
/// STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, and with -o wide VOLUMEMODE. Capacity and access modes come from status
/// (empty while unbound).
/// </summary>
internal static class PersistentVolumeClaimTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Status", "string", typeof(V1PersistentVolumeClaimStatus), "Phase"), (o, _) => o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : TableCells.GetString(o, "status", "phase") ?? ""),
        new(ColumnTable.Column("Volume", "string", typeof(V1PersistentVolumeClaimSpec), "VolumeName"), (o, _) => TableCells.GetString(o, "spec", "volumeName") ?? ""),
        new(ColumnTable.Column("Capacity", "string", typeof(V1PersistentVolumeClaimStatus), "Capacity"), (o, _) => TableCells.GetString(o, "status", "capacity", "storage") ?? ""),
        new(ColumnTable.Column("Access Modes", "string", typeof(V1PersistentVolumeClaimStatus), "AccessModes"), (o, _) => PersistentVolumeTable.AccessModes(TableCells.Get(o, "status", "accessModes"))),
        new(new TableColumn("StorageClass", "string", "", "StorageClass of the pvc"), (o, _) => TableCells.GetString(o, "spec", "storageClassName") ?? ""),
        new(ColumnTable.Column("VolumeAttributesClass", "string", typeof(V1PersistentVolumeClaimSpec), "VolumeAttributesClassName"), (o, _) => TableCells.GetString(o, "spec", "volumeAttributesClassName") ?? "<unset>"),
        ColumnTable.Age,
        new(ColumnTable.Column("VolumeMode", "string", typeof(V1PersistentVolumeClaimSpec), "VolumeMode", 1), (o, _) => TableCells.GetString(o, "spec", "volumeMode") ?? "<unset>"));
}
