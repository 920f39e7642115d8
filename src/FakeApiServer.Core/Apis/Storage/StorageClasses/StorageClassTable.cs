using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Storage.StorageClasses;

/// <summary>
/// StorageClasses as kube-apiserver's printStorageClass: NAME (with " (default)" for the default class) PROVISIONER
/// RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE.
/// </summary>
internal static class StorageClassTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        new(TableCells.NameColumn, (o, _) => IsDefault(o) ? TableCells.Name(o) + " (default)" : TableCells.Name(o)),
        new(ColumnTable.Column("Provisioner", "string", typeof(V1StorageClass), "Provisioner"), (o, _) => TableCells.GetString(o, "provisioner") ?? ""),
        new(ColumnTable.Column("ReclaimPolicy", "string", typeof(V1StorageClass), "ReclaimPolicy"), (o, _) => TableCells.GetString(o, "reclaimPolicy") ?? "Delete"),
        new(ColumnTable.Column("VolumeBindingMode", "string", typeof(V1StorageClass), "VolumeBindingMode"), (o, _) => TableCells.GetString(o, "volumeBindingMode") ?? "Immediate"),
        new(ColumnTable.Column("AllowVolumeExpansion", "string", typeof(V1StorageClass), "AllowVolumeExpansion"), (o, _) => TableCells.IsTrue(o, "allowVolumeExpansion")),
        ColumnTable.Age);

    /// <summary>storageutil.IsDefaultAnnotation: the GA or the beta is-default-class annotation is "true".</summary>
    private static bool IsDefault(JsonObject o) =>
        TableCells.GetString(o, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class") == "true"
        || TableCells.GetString(o, "metadata", "annotations", "storageclass.beta.kubernetes.io/is-default-class") == "true";
}
