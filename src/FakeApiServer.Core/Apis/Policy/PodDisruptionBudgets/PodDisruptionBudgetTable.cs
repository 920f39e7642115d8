using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Policy.PodDisruptionBudgets;

/// <summary>
/// PodDisruptionBudgets as kube-apiserver's printPodDisruptionBudget: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED
/// DISRUPTIONS AGE, "N/A" for the bound that is not set.
/// </summary>
internal static class PodDisruptionBudgetTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Min Available", "string", typeof(V1PodDisruptionBudgetSpec), "MinAvailable"), (o, _) => IntOrString(TableCells.Get(o, "spec", "minAvailable"))),
        new(ColumnTable.Column("Max Unavailable", "string", typeof(V1PodDisruptionBudgetSpec), "MaxUnavailable"), (o, _) => IntOrString(TableCells.Get(o, "spec", "maxUnavailable"))),
        new(ColumnTable.Column("Allowed Disruptions", "integer", typeof(V1PodDisruptionBudgetStatus), "DisruptionsAllowed"), (o, _) => TableCells.GetInt64(o, "status", "disruptionsAllowed") ?? 0),
        ColumnTable.Age);

    private static string IntOrString(JsonNode? value) => value is JsonValue v ? v.ToString() : "N/A";
}
