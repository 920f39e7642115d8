using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.ServiceCIDRs;

/// <summary>ServiceCIDRs as kube-apiserver's printServiceCIDR: NAME CIDRS (comma separated) AGE.</summary>
internal static class ServiceCIDRTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("CIDRs", "string", typeof(V1ServiceCIDRSpec), "Cidrs"), (o, _) => TableCells.Join(TableCells.Strings(o, "spec", "cidrs"))),
        ColumnTable.Age);
}
