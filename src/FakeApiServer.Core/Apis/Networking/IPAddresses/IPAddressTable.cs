using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Networking.IPAddresses;

/// <summary>IPAddresses as kube-apiserver's printIPAddress: NAME PARENTREF (resource[.group][/namespace]/name, lower case) AGE.</summary>
internal static class IPAddressTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("ParentRef", "string", typeof(V1IPAddressSpec), "ParentRef"), (o, _) => ParentRef(o)),
        ColumnTable.Age);

    private static string ParentRef(JsonObject o)
    {
        if (TableCells.Get(o, "spec", "parentRef") is not JsonObject parent)
        {
            return TableCells.None;
        }

        var group = TableCells.GetString(parent, "group") ?? "";
        var text = (TableCells.GetString(parent, "resource") + (group.Length > 0 ? "." + group : "")).ToLowerInvariant();
        if (TableCells.GetString(parent, "namespace") is { Length: > 0 } ns)
        {
            text += "/" + ns;
        }

        return text + "/" + TableCells.GetString(parent, "name");
    }
}
