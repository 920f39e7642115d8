using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Core.PodTemplates;

/// <summary>PodTemplates as kube-apiserver's printPodTemplate: NAME CONTAINERS IMAGES POD LABELS (no age).</summary>
internal static class PodTemplateTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Containers", "string", "", TableCells.ContainersDescription), (o, _) => TableCells.ContainerCells(TableCells.Get(o, "template", "spec", "containers")).Names),
        new(new TableColumn("Images", "string", "", TableCells.ImagesDescription), (o, _) => TableCells.ContainerCells(TableCells.Get(o, "template", "spec", "containers")).Images),
        new(ColumnTable.Column("Pod Labels", "string", typeof(V1ObjectMeta), "Labels"), (o, _) => TableCells.FormatLabels(TableCells.Get(o, "template", "metadata", "labels"))));
}
