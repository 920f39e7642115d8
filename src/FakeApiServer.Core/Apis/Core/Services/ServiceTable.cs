using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Services;

/// <summary>
/// Services as kube-apiserver's printService: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, and with
/// -o wide SELECTOR. The server prints wide cells, so load-balancer addresses are not clipped.
/// </summary>
internal sealed class ServiceTable : ITablePrinter
{
    private static readonly TableColumn[] ServiceColumns =
    [
        TableCells.NameColumn,
        new("Type", "string", "", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
        new("Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        new("External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
        new("Port(s)", "string", "", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        TableCells.AgeColumn,
        new("Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => ServiceColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = TableCells.Get(obj, "spec");

        // The API server defaults an absent type to ClusterIP before anything is printed.
        var type = TableCells.GetString(spec, "type") ?? "ClusterIP";
        var clusterIps = TableCells.Strings(spec, "clusterIPs");
        var internalIp = clusterIps.Count > 0 ? clusterIps[0] : TableCells.OrNone(TableCells.GetString(spec, "clusterIP"));
        var ports = PortString(TableCells.Objects(spec, "ports"));

        return
        [
            TableCells.Name(obj),
            type,
            internalIp,
            ExternalIp(obj, spec, type),
            ports.Length == 0 ? TableCells.None : ports,
            TableCells.Age(obj, now),
            TableCells.FormatLabels(TableCells.Get(spec, "selector")),
        ];
    }

    /// <summary>getServiceExternalIP.</summary>
    private static string ExternalIp(JsonObject obj, JsonNode? spec, string type)
    {
        var externalIps = TableCells.Strings(spec, "externalIPs");
        switch (type)
        {
            case "ClusterIP":
            case "NodePort":
                return externalIps.Count > 0 ? TableCells.Join(externalIps) : TableCells.None;
            case "LoadBalancer":
                var lbIps = LoadBalancerIps(obj);
                if (externalIps.Count > 0)
                {
                    return TableCells.Join(lbIps.Concat(externalIps));
                }

                return lbIps.Count > 0 ? TableCells.Join(lbIps) : "<pending>";
            case "ExternalName":
                return TableCells.GetString(spec, "externalName") ?? "";
            default:
                return TableCells.Unknown;
        }
    }

    /// <summary>loadBalancerStatusStringer (wide): the sorted, distinct ingress IPs, or hostnames where there is no IP.</summary>
    private static List<string> LoadBalancerIps(JsonObject obj)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ingress in TableCells.Objects(obj, "status", "loadBalancer", "ingress"))
        {
            var ip = TableCells.GetString(ingress, "ip") ?? "";
            var hostname = TableCells.GetString(ingress, "hostname") ?? "";
            if (ip.Length > 0)
            {
                result.Add(ip);
            }
            else if (hostname.Length > 0)
            {
                result.Add(hostname);
            }
        }

        return [.. result];
    }

    /// <summary>makePortString: "80/TCP" or "80:30080/TCP" per port, joined with ",".</summary>
    private static string PortString(IReadOnlyList<JsonObject> ports) =>
        TableCells.Join(ports.Select(port =>
        {
            var number = TableCells.GetInt64(port, "port") ?? 0;
            var nodePort = TableCells.GetInt64(port, "nodePort") ?? 0;

            // The API server defaults an absent protocol to TCP.
            var protocol = TableCells.GetString(port, "protocol") ?? "TCP";
            return nodePort > 0
                ? TableCells.Invariant($"{number}:{nodePort}/{protocol}")
                : TableCells.Invariant($"{number}/{protocol}");
        }));
}
