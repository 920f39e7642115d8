using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Core.PodTemplates;

/// <summary>PodTemplates as kube-apiserver's printPodTemplate: NAME CONTAINERS IMAGES POD LABELS (no age).</summary>
internal static class PodTemplateTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        ColumnTable.Containers(0, "template", "spec", "containers"),
        ColumnTable.Images(0, "template", "spec", "containers"),
        new(ColumnTable.Column("Pod Labels", "string", typeof(V1ObjectMeta), "Labels"), (o, _) => TableCells.FormatLabels(TableCells.Get(o, "template", "metadata", "labels"))));
}
