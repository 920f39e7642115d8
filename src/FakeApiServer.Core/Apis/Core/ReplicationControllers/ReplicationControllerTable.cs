using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Core.ReplicationControllers;

/// <summary>
/// ReplicationControllers as kube-apiserver's printReplicationController: NAME DESIRED CURRENT READY AGE, and with
/// -o wide CONTAINERS IMAGES SELECTOR (the label map, k=v sorted).
/// </summary>
internal static class ReplicationControllerTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Desired", "integer", typeof(V1ReplicationControllerSpec), "Replicas"), (o, _) => TableCells.GetInt64(o, "spec", "replicas") ?? 1),
        new(ColumnTable.Column("Current", "integer", typeof(V1ReplicationControllerStatus), "Replicas"), (o, _) => TableCells.GetInt64(o, "status", "replicas") ?? 0),
        new(ColumnTable.Column("Ready", "integer", typeof(V1ReplicationControllerStatus), "ReadyReplicas"), (o, _) => TableCells.GetInt64(o, "status", "readyReplicas") ?? 0),
        ColumnTable.Age,
        ColumnTable.Containers(1, "spec", "template", "spec", "containers"),
        ColumnTable.Images(1, "spec", "template", "spec", "containers"),
        new(ColumnTable.Column("Selector", "string", typeof(V1ReplicationControllerSpec), "Selector", 1), (o, _) => TableCells.FormatLabels(TableCells.Get(o, "spec", "selector"))));
}
