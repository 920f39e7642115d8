using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Apps.ReplicaSets;

/// <summary>
/// ReplicaSets as kube-apiserver's printReplicaSet: NAME DESIRED CURRENT READY AGE, and with -o wide
/// CONTAINERS IMAGES SELECTOR.
/// </summary>
internal sealed class ReplicaSetTable : ITablePrinter
{
    private static readonly TableColumn[] ReplicaSetColumns =
    [
        TableCells.NameColumn,
        new("Desired", "integer", "", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
        new("Current", "integer", "", "Replicas is the most recently oberved number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller"),
        new("Ready", "integer", "", "The number of ready replicas for this replica set."),
        TableCells.AgeColumn,
        new("Containers", "string", "", TableCells.ContainersDescription, 1),
        new("Images", "string", "", TableCells.ImagesDescription, 1),
        new("Selector", "string", "", "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => ReplicaSetColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = TableCells.Get(obj, "spec");
        var status = TableCells.Get(obj, "status");
        var (names, images) = TableCells.ContainerCells(TableCells.Get(spec, "template", "spec", "containers"));

        return
        [
            TableCells.Name(obj),

            // The API server defaults an absent spec.replicas to 1.
            TableCells.GetInt64(spec, "replicas") ?? 1,
            TableCells.GetInt64(status, "replicas") ?? 0,
            TableCells.GetInt64(status, "readyReplicas") ?? 0,
            TableCells.Age(obj, now),
            names,
            images,
            TableCells.FormatLabelSelector(TableCells.Get(spec, "selector")),
        ];
    }
}
