using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.NetworkPolicies;

/// <summary>NetworkPolicies as kube-apiserver's printNetworkPolicy: NAME POD-SELECTOR AGE.</summary>
internal static class NetworkPolicyTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Pod-Selector", "string", typeof(V1NetworkPolicySpec), "PodSelector"), (o, _) => TableCells.FormatLabelSelector(TableCells.Get(o, "spec", "podSelector"))),
        ColumnTable.Age);
}
