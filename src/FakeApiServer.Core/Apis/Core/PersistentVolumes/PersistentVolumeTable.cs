using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Core.PersistentVolumes;

/// <summary>
/// PersistentVolumes as kube-apiserver's printPersistentVolume: NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM
/// STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE, and with -o wide VOLUMEMODE.
/// </summary>
internal static class PersistentVolumeTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Capacity", "string", typeof(V1PersistentVolumeSpec), "Capacity"), (o, _) => TableCells.GetString(o, "spec", "capacity", "storage") ?? ""),
        new(ColumnTable.Column("Access Modes", "string", typeof(V1PersistentVolumeSpec), "AccessModes"), (o, _) => AccessModes(TableCells.Get(o, "spec", "accessModes"))),
        new(ColumnTable.Column("Reclaim Policy", "string", typeof(V1PersistentVolumeSpec), "PersistentVolumeReclaimPolicy"), (o, _) => TableCells.GetString(o, "spec", "persistentVolumeReclaimPolicy") ?? ""),
        new(ColumnTable.Column("Status", "string", typeof(V1PersistentVolumeStatus), "Phase"), (o, _) => o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : TableCells.GetString(o, "status", "phase") ?? ""),
        new(ColumnTable.Column("Claim", "string", typeof(V1PersistentVolumeSpec), "ClaimRef"), (o, _) => Claim(o)),
        new(new TableColumn("StorageClass", "string", "", "StorageClass of the pv"), (o, _) => TableCells.GetString(o, "spec", "storageClassName") ?? ""),
        new(ColumnTable.Column("VolumeAttributesClass", "string", typeof(V1PersistentVolumeSpec), "VolumeAttributesClassName"), (o, _) => TableCells.GetString(o, "spec", "volumeAttributesClassName") ?? "<unset>"),
        new(ColumnTable.Column("Reason", "string", typeof(V1PersistentVolumeStatus), "Reason"), (o, _) => TableCells.GetString(o, "status", "reason") ?? ""),
        ColumnTable.Age,
        new(ColumnTable.Column("VolumeMode", "string", typeof(V1PersistentVolumeSpec), "VolumeMode", 1), (o, _) => TableCells.GetString(o, "spec", "volumeMode") ?? "<unset>"));

    private static string Claim(JsonObject o) => TableCells.Get(o, "spec", "claimRef") is JsonObject claim
        ? TableCells.GetString(claim, "namespace") + "/" + TableCells.GetString(claim, "name")
        : "";

    /// <summary>GetAccessModesAsString: the short forms RWO, ROX, RWX, RWOP in that order, comma-joined.</summary>
    internal static string AccessModes(JsonNode? modes)
    {
        var set = TableCells.Strings(modes).ToHashSet(StringComparer.Ordinal);
        var shorts = new List<string>();
        foreach (var (mode, text) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
        {
            if (set.Contains(mode))
            {
                shorts.Add(text);
            }
        }

        return TableCells.Join(shorts);
    }
}
