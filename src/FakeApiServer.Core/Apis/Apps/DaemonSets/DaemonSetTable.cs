using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Apps.DaemonSets;

/// <summary>
/// DaemonSets as kube-apiserver's printDaemonSet: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE, and
/// with -o wide CONTAINERS IMAGES SELECTOR.
/// </summary>
internal static class DaemonSetTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Desired", "integer", typeof(V1DaemonSetStatus), "DesiredNumberScheduled"), (o, _) => TableCells.GetInt64(o, "status", "desiredNumberScheduled") ?? 0),
        new(ColumnTable.Column("Current", "integer", typeof(V1DaemonSetStatus), "CurrentNumberScheduled"), (o, _) => TableCells.GetInt64(o, "status", "currentNumberScheduled") ?? 0),
        new(ColumnTable.Column("Ready", "integer", typeof(V1DaemonSetStatus), "NumberReady"), (o, _) => TableCells.GetInt64(o, "status", "numberReady") ?? 0),
        new(ColumnTable.Column("Up-to-date", "integer", typeof(V1DaemonSetStatus), "UpdatedNumberScheduled"), (o, _) => TableCells.GetInt64(o, "status", "updatedNumberScheduled") ?? 0),
        new(ColumnTable.Column("Available", "integer", typeof(V1DaemonSetStatus), "NumberAvailable"), (o, _) => TableCells.GetInt64(o, "status", "numberAvailable") ?? 0),
        new(ColumnTable.Column("Node Selector", "string", typeof(V1PodSpec), "NodeSelector"), (o, _) => TableCells.FormatLabels(TableCells.Get(o, "spec", "template", "spec", "nodeSelector"))),
        ColumnTable.Age,
        ColumnTable.Containers(1, "spec", "template", "spec", "containers"),
        ColumnTable.Images(1, "spec", "template", "spec", "containers"),
        new(ColumnTable.Column("Selector", "string", typeof(V1DaemonSetSpec), "Selector", 1), (o, _) => TableCells.FormatLabelSelector(TableCells.Get(o, "spec", "selector"))));
}
