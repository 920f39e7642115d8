using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.LimitRanges;

/// <summary>LimitRanges as kube-apiserver's printLimitRange: NAME CREATED AT (the creation timestamp, a date).</summary>
internal static class LimitRangeTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Created At", "date", "", TableCells.CreationTimestampDescription), (o, _) => TableCells.GetString(o, "metadata", "creationTimestamp")));
}
