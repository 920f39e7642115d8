using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Node.RuntimeClasses;

/// <summary>RuntimeClasses as kube-apiserver's printRuntimeClass: NAME HANDLER AGE.</summary>
internal static class RuntimeClassTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Handler", "string", typeof(V1RuntimeClass), "Handler"), (o, _) => TableCells.GetString(o, "handler") ?? ""),
        ColumnTable.Age);
}
