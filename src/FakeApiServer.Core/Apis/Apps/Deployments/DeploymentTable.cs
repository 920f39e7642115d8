using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>
/// Deployments as kube-apiserver's printDeployment: NAME READY UP-TO-DATE AVAILABLE AGE, and with
/// -o wide CONTAINERS IMAGES SELECTOR. Unlike most printers, an empty selector prints as "" and an
/// invalid one as "&lt;invalid&gt;".
/// </summary>
internal sealed class DeploymentTable : ITablePrinter
{
    private static readonly TableColumn[] DeploymentColumns =
    [
        TableCells.NameColumn,
        new("Ready", "string", "", "Number of the pod with ready state"),
        new("Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        new("Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        TableCells.AgeColumn,
        new("Containers", "string", "", TableCells.ContainersDescription, 1),
        new("Images", "string", "", TableCells.ImagesDescription, 1),
        new("Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => DeploymentColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = TableCells.Get(obj, "spec");
        var status = TableCells.Get(obj, "status");

        // The API server defaults an absent spec.replicas to 1.
        var desired = TableCells.GetInt64(spec, "replicas") ?? 1;
        var ready = TableCells.GetInt64(status, "readyReplicas") ?? 0;
        var (names, images) = TableCells.ContainerCells(TableCells.Get(spec, "template", "spec", "containers"));

        return
        [
            TableCells.Name(obj),
            TableCells.Invariant($"{ready}/{desired}"),
            TableCells.GetInt64(status, "updatedReplicas") ?? 0,
            TableCells.GetInt64(status, "availableReplicas") ?? 0,
            TableCells.Age(obj, now),
            names,
            images,
            TableCells.LabelSelectorString(TableCells.Get(spec, "selector")) ?? "<invalid>",
        ];
    }
}
