using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.FlowControl.PriorityLevelConfigurations;

/// <summary>
/// PriorityLevelConfigurations as kube-apiserver's printPriorityLevelConfiguration: NAME TYPE NOMINALCONCURRENCYSHARES
/// QUEUES HANDSIZE QUEUELENGTHLIMIT AGE ("&lt;none&gt;" where the level has no such setting).
/// </summary>
internal static class PriorityLevelConfigurationTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Type", "string", typeof(V1PriorityLevelConfigurationSpec), "Type"), (o, _) => TableCells.GetString(o, "spec", "type") ?? ""),
        new(ColumnTable.Column("NominalConcurrencyShares", "string", typeof(V1LimitedPriorityLevelConfiguration), "NominalConcurrencyShares"), (o, _) => Limited(o, "nominalConcurrencyShares")),
        new(ColumnTable.Column("Queues", "string", typeof(V1QueuingConfiguration), "Queues"), (o, _) => Queuing(o, "queues")),
        new(ColumnTable.Column("HandSize", "string", typeof(V1QueuingConfiguration), "HandSize"), (o, _) => Queuing(o, "handSize")),
        new(ColumnTable.Column("QueueLengthLimit", "string", typeof(V1QueuingConfiguration), "QueueLengthLimit"), (o, _) => Queuing(o, "queueLengthLimit")),
        ColumnTable.Age);

    private static object Limited(JsonObject o, string field) =>
        TableCells.Get(o, "spec", "limited") is JsonObject ? TableCells.GetInt64(o, "spec", "limited", field) ?? 0 : TableCells.None;

    private static object Queuing(JsonObject o, string field) =>
        TableCells.Get(o, "spec", "limited", "limitResponse", "queuing") is JsonObject ? TableCells.GetInt64(o, "spec", "limited", "limitResponse", "queuing", field) ?? 0 : TableCells.None;
}
