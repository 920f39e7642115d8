using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.ResourceQuotas;

/// <summary>
/// ResourceQuotas as kube-apiserver's printResourceQuota: NAME AGE REQUEST LIMIT, where each resource of spec.hard
/// (sorted) shows "name: used/hard" from status; resources named limits.* go to LIMIT, the others to REQUEST.
/// </summary>
internal static class ResourceQuotaTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        ColumnTable.Age,
        new(new TableColumn("Request", "string", "", "Request represents a minimum amount of cpu/memory that a container may consume."), (o, _) => Column(o, limits: false)),
        new(new TableColumn("Limit", "string", "", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."), (o, _) => Column(o, limits: true)));

    private static string Column(JsonObject quota, bool limits)
    {
        var text = new StringBuilder();
        foreach (var (resource, _) in TableCells.StringMap(quota, "spec", "hard").OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (resource.StartsWith("limits.", StringComparison.Ordinal) != limits)
            {
                continue;
            }

            var used = Quantity(TableCells.Get(quota, "status", "used", resource));
            var hard = Quantity(TableCells.Get(quota, "status", "hard", resource));
            text.Append(resource).Append(": ").Append(used).Append('/').Append(hard).Append(", ");
        }

        return text.ToString().TrimEnd(' ').TrimEnd(',');
    }

    private static string Quantity(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v => v.ToJsonString(),
        _ => "0",
    };
}
