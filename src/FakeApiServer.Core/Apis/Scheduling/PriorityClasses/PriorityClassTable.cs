using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Scheduling.PriorityClasses;

/// <summary>PriorityClasses as kube-apiserver's printPriorityClass: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.</summary>
internal static class PriorityClassTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Value", "integer", typeof(V1PriorityClass), "Value"), (o, _) => TableCells.GetInt64(o, "value") ?? 0),
        new(ColumnTable.Column("Global-Default", "boolean", typeof(V1PriorityClass), "GlobalDefault"), (o, _) => TableCells.IsTrue(o, "globalDefault")),
        ColumnTable.Age,
        new(ColumnTable.Column("PreemptionPolicy", "string", typeof(V1PriorityClass), "PreemptionPolicy"), (o, _) => TableCells.GetString(o, "preemptionPolicy") ?? ""));
}
