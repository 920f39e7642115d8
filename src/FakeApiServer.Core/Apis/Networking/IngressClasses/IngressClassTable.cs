using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.IngressClasses;

/// <summary>IngressClasses as kube-apiserver's printIngressClass: NAME CONTROLLER PARAMETERS (kind[.apiGroup]/name) AGE.</summary>
internal static class IngressClassTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Controller", "string", typeof(V1IngressClassSpec), "Controller"), (o, _) => TableCells.GetString(o, "spec", "controller") ?? ""),
        new(ColumnTable.Column("Parameters", "string", typeof(V1IngressClassSpec), "Parameters"), (o, _) => Parameters(o)),
        ColumnTable.Age);

    private static string Parameters(JsonObject o)
    {
        if (TableCells.Get(o, "spec", "parameters") is not JsonObject parameters)
        {
            return TableCells.None;
        }

        var text = TableCells.GetString(parameters, "kind") ?? "";
        if (TableCells.GetString(parameters, "apiGroup") is { } group)
        {
            text += "." + group;
        }

        return text + "/" + TableCells.GetString(parameters, "name");
    }
}
