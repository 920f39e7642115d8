using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Networking.Ingresses;

/// <summary>
/// Ingresses as kube-apiserver's printIngress: NAME CLASS HOSTS ADDRESS PORTS AGE. HOSTS lists up to three rule hosts
/// (then " + N more..."; "*" when none), ADDRESS the load balancer's IPs and host names, PORTS "80" or "80, 443" with TLS.
/// </summary>
internal static class IngressTable
{
    private const int MaxHosts = 3;

    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Class", "string", "", "The name of the IngressClass resource that should be used for additional configuration"),
            (o, _) => TableCells.OrNone(TableCells.GetString(o, "spec", "ingressClassName"))),
        new(new TableColumn("Hosts", "string", "", "Hosts that incoming requests are matched against before the ingress rule"), (o, _) => Hosts(o)),
        new(new TableColumn("Address", "string", "", "Address is a list containing ingress points for the load-balancer"), (o, _) => Address(o)),
        new(new TableColumn("Ports", "string", "", "Ports of TLS configurations that open"), (o, _) => TableCells.Count(o, "spec", "tls") > 0 ? "80, 443" : "80"),
        ColumnTable.Age);

    private static string Hosts(JsonObject o)
    {
        var hosts = TableCells.Objects(o, "spec", "rules").Select(r => TableCells.GetString(r, "host") ?? "").Where(h => h.Length > 0).ToList();
        if (hosts.Count == 0)
        {
            return "*";
        }

        var shown = string.Join(",", hosts.Take(MaxHosts));
        return hosts.Count > MaxHosts ? TableCells.Invariant($"{shown} + {hosts.Count - MaxHosts} more...") : shown;
    }

    /// <summary>The load balancer ingress points: each entry's IP, else its host name.</summary>
    internal static string Address(JsonObject o) => TableCells.Join(TableCells.Objects(o, "status", "loadBalancer", "ingress")
        .Select(i => TableCells.GetString(i, "ip") is { Length: > 0 } ip ? ip : TableCells.GetString(i, "hostname") ?? "")
        .Where(a => a.Length > 0));
}
