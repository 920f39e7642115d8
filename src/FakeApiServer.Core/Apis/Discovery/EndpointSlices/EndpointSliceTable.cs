using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Discovery.EndpointSlices;

/// <summary>
/// EndpointSlices as kube-apiserver's printEndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. PORTS
/// and ENDPOINTS list up to three entries, then " + N more..."; an empty list prints "&lt;unset&gt;".
/// </summary>
internal sealed class EndpointSliceTable : ITablePrinter
{
    /// <summary>How many ports or addresses are listed before summarising the rest.</summary>
    private const int MaxListed = 3;

    private static readonly TableColumn[] EndpointSliceColumns =
    [
        TableCells.NameColumn,
        new("AddressType", "string", "", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name."),
        new("Ports", "string", "", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports."),
        new("Endpoints", "string", "", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => EndpointSliceColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var ports = TableCells.Objects(obj, "ports").Select(port =>
            TableCells.GetInt64(port, "port") is { } number
                ? TableCells.Invariant($"{number}")
                : TableCells.GetString(port, "name") ?? "*");
        var addresses = TableCells.Objects(obj, "endpoints").SelectMany(endpoint => TableCells.Strings(endpoint, "addresses"));

        return
        [
            TableCells.Name(obj),
            TableCells.GetString(obj, "addressType") ?? "",
            FirstFew(ports),
            FirstFew(addresses),
            TableCells.Age(obj, now),
        ];
    }

    /// <summary>formatDiscoveryPorts / formatDiscoveryEndpoints.</summary>
    private static string FirstFew(IEnumerable<string> values)
    {
        var list = new List<string>(MaxListed);
        var more = false;
        var count = 0;
        foreach (var value in values)
        {
            if (list.Count < MaxListed)
            {
                list.Add(value);
            }
            else
            {
                more = true;
            }

            count++;
        }

        return TableCells.ListWithMore(list, more, count, MaxListed);
    }
}
