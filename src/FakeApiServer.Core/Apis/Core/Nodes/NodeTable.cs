using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Nodes;

/// <summary>
/// Nodes as kube-apiserver's printNode: NAME STATUS ROLES AGE VERSION, and with -o wide INTERNAL-IP
/// EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. Roles come from node-role.kubernetes.io/ROLE
/// label keys and the kubernetes.io/role label value.
/// </summary>
internal sealed class NodeTable : ITablePrinter
{
    /// <summary>Label prefix whose suffix names a node role.</summary>
    private const string LabelNodeRolePrefix = "node-role.kubernetes.io/";

    /// <summary>Label whose value names a node role.</summary>
    private const string NodeLabelRole = "kubernetes.io/role";

    private const string AddressesDescription =
        "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

    private static readonly TableColumn[] NodeColumns =
    [
        TableCells.NameColumn,
        new("Status", "string", "", "The status of the node"),
        new("Roles", "string", "", "The roles of the node"),
        TableCells.AgeColumn,
        new("Version", "string", "", "Kubelet Version reported by the node."),
        new("Internal-IP", "string", "", AddressesDescription, 1),
        new("External-IP", "string", "", AddressesDescription, 1),
        new("OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        new("Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        new("Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => NodeColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var status = TableCells.Get(obj, "status");
        var nodeInfo = TableCells.Get(status, "nodeInfo");

        // The last condition of a type wins, as the upstream map does.
        var ready = TableCells.Objects(status, "conditions").LastOrDefault(c => TableCells.GetString(c, "type") == "Ready");
        var states = new List<string>
        {
            ready is null ? "Unknown" : TableCells.GetString(ready, "status") == "True" ? "Ready" : "NotReady",
        };
        if (TableCells.IsTrue(obj, "spec", "unschedulable"))
        {
            states.Add("SchedulingDisabled");
        }

        var roles = TableCells.Join(Roles(obj));

        return
        [
            TableCells.Name(obj),
            TableCells.Join(states),
            roles.Length == 0 ? TableCells.None : roles,
            TableCells.Age(obj, now),
            TableCells.GetString(nodeInfo, "kubeletVersion") ?? "",
            Address(status, "InternalIP"),
            Address(status, "ExternalIP"),
            OrUnknown(TableCells.GetString(nodeInfo, "osImage")),
            OrUnknown(TableCells.GetString(nodeInfo, "kernelVersion")),
            OrUnknown(TableCells.GetString(nodeInfo, "containerRuntimeVersion")),
        ];
    }

    /// <summary>findNodeRoles: the distinct roles, sorted.</summary>
    private static SortedSet<string> Roles(JsonObject obj)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in TableCells.StringMap(obj, "metadata", "labels"))
        {
            if (key.StartsWith(LabelNodeRolePrefix, StringComparison.Ordinal))
            {
                var role = key[LabelNodeRolePrefix.Length..];
                if (role.Length > 0)
                {
                    roles.Add(role);
                }
            }
            else if (key == NodeLabelRole && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        return roles;
    }

    /// <summary>The first address of <paramref name="type"/>, or "&lt;none&gt;".</summary>
    private static string Address(JsonNode? status, string type)
    {
        var address = TableCells.Objects(status, "addresses").FirstOrDefault(a => TableCells.GetString(a, "type") == type);
        return address is null ? TableCells.None : TableCells.GetString(address, "address") ?? "";
    }

    private static string OrUnknown(string? value) => string.IsNullOrEmpty(value) ? TableCells.Unknown : value;
}
