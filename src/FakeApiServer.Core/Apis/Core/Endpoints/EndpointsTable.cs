using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Endpoints;

/// <summary>
/// Endpoints as kube-apiserver's printEndpoints: NAME ENDPOINTS AGE, where ENDPOINTS lists up to three
/// "ip:port" pairs (bare IPs for subsets without ports) followed by " + N more...".
/// </summary>
internal sealed class EndpointsTable : ITablePrinter
{
    /// <summary>How many endpoints formatEndpoints lists before summarising the rest.</summary>
    private const int MaxListed = 3;

    private static readonly TableColumn[] EndpointsColumns =
    [
        TableCells.NameColumn,
        new("Endpoints", "string", "", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => EndpointsColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), FormatEndpoints(TableCells.Objects(obj, "subsets")), TableCells.Age(obj, now)];

    /// <summary>formatEndpoints with all ports. Only ready addresses are listed, as upstream.</summary>
    private static string FormatEndpoints(IReadOnlyList<JsonObject> subsets)
    {
        if (subsets.Count == 0)
        {
            return TableCells.None;
        }

        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var subset in subsets)
        {
            var addresses = TableCells.Objects(subset, "addresses");
            var ports = TableCells.Objects(subset, "ports");
            if (ports.Count == 0)
            {
                // A headless service may have no ports.
                count += addresses.Count;
                foreach (var address in addresses)
                {
                    if (list.Count == MaxListed)
                    {
                        more = true;
                        break;
                    }

                    list.Add(TableCells.GetString(address, "ip") ?? "");
                }

                continue;
            }

            foreach (var port in ports)
            {
                count += addresses.Count;
                var portNumber = TableCells.GetInt64(port, "port") ?? 0;
                foreach (var address in addresses)
                {
                    if (list.Count == MaxListed)
                    {
                        more = true;
                        break;
                    }

                    list.Add(JoinHostPort(TableCells.GetString(address, "ip") ?? "", portNumber));
                }
            }
        }

        var joined = TableCells.Join(list);
        return more ? TableCells.Invariant($"{joined} + {count - MaxListed} more...") : joined;
    }

    /// <summary>net.JoinHostPort: brackets a host containing a colon (IPv6).</summary>
    private static string JoinHostPort(string host, long port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? TableCells.Invariant($"[{host}]:{port}")
            : TableCells.Invariant($"{host}:{port}");
}
