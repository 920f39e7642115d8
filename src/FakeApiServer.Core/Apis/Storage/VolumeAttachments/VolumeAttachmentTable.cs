using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Storage.VolumeAttachments;

/// <summary>VolumeAttachments as kube-apiserver's printVolumeAttachment: NAME ATTACHER PV NODE ATTACHED AGE.</summary>
internal static class VolumeAttachmentTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Attacher", "string", typeof(V1VolumeAttachmentSpec), "Attacher"), (o, _) => TableCells.GetString(o, "spec", "attacher") ?? ""),
        new(ColumnTable.Column("PV", "string", typeof(V1VolumeAttachmentSource), "PersistentVolumeName"), (o, _) => TableCells.GetString(o, "spec", "source", "persistentVolumeName") ?? ""),
        new(ColumnTable.Column("Node", "string", typeof(V1VolumeAttachmentSpec), "NodeName"), (o, _) => TableCells.GetString(o, "spec", "nodeName") ?? ""),
        new(ColumnTable.Column("Attached", "boolean", typeof(V1VolumeAttachmentStatus), "Attached"), (o, _) => TableCells.IsTrue(o, "status", "attached")),
        ColumnTable.Age);
}
