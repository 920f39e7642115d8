using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Coordination.Leases;

/// <summary>Leases as kube-apiserver's printLease: NAME HOLDER AGE.</summary>
internal sealed class LeaseTable : ITablePrinter
{
    private static readonly TableColumn[] LeaseColumns =
    [
        TableCells.NameColumn,
        new("Holder", "string", "", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => LeaseColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), TableCells.GetString(obj, "spec", "holderIdentity") ?? "", TableCells.Age(obj, now)];
}
