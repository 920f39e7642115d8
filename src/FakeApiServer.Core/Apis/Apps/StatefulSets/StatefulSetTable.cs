using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Apps.StatefulSets;

/// <summary>StatefulSets as kube-apiserver's printStatefulSet: NAME READY (ready/desired) AGE, and with -o wide CONTAINERS IMAGES.</summary>
internal static class StatefulSetTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Ready", "string", "", "Number of the pod with ready state"),
            (o, _) => TableCells.Invariant($"{TableCells.GetInt64(o, "status", "readyReplicas") ?? 0}/{TableCells.GetInt64(o, "spec", "replicas") ?? 1}")),
        ColumnTable.Age,
        ColumnTable.Containers(1, "spec", "template", "spec", "containers"),
        ColumnTable.Images(1, "spec", "template", "spec", "containers"));
}
