using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.FlowControl.FlowSchemas;

/// <summary>
/// FlowSchemas as kube-apiserver's printFlowSchema: NAME PRIORITYLEVEL MATCHINGPRECEDENCE DISTINGUISHERMETHOD AGE MISSINGPL
/// (the Dangling condition's status, "?" without it).
/// </summary>
internal static class FlowSchemaTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("PriorityLevel", "string", typeof(V1FlowSchemaSpec), "PriorityLevelConfiguration"), (o, _) => TableCells.GetString(o, "spec", "priorityLevelConfiguration", "name") ?? ""),
        new(ColumnTable.Column("MatchingPrecedence", "string", typeof(V1FlowSchemaSpec), "MatchingPrecedence"), (o, _) => TableCells.GetInt64(o, "spec", "matchingPrecedence") ?? 0),
        new(ColumnTable.Column("DistinguisherMethod", "string", typeof(V1FlowSchemaSpec), "DistinguisherMethod"), (o, _) => TableCells.OrNone(TableCells.GetString(o, "spec", "distinguisherMethod", "type"))),
        ColumnTable.Age,
        new(new TableColumn("MissingPL", "string", "", "indicates whether the priority level config referred by this flowschema is missing"),
            (o, _) => TableCells.GetString(TableCells.Objects(o, "status", "conditions").FirstOrDefault(c => TableCells.GetString(c, "type") == "Dangling"), "status") ?? "?"));
}
