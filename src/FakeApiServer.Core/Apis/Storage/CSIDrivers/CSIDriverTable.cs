using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Storage.CSIDrivers;

/// <summary>
/// CSIDrivers as kube-apiserver's printCSIDriver: NAME ATTACHREQUIRED PODINFOONMOUNT STORAGECAPACITY TOKENREQUESTS
/// REQUIRESREPUBLISH MODES AGE.
/// </summary>
internal static class CSIDriverTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("AttachRequired", "boolean", typeof(V1CSIDriverSpec), "AttachRequired"), (o, _) => TableCells.Get(o, "spec", "attachRequired")?.GetValueKind() != System.Text.Json.JsonValueKind.False),
        new(ColumnTable.Column("PodInfoOnMount", "boolean", typeof(V1CSIDriverSpec), "PodInfoOnMount"), (o, _) => TableCells.IsTrue(o, "spec", "podInfoOnMount")),
        new(ColumnTable.Column("StorageCapacity", "boolean", typeof(V1CSIDriverSpec), "StorageCapacity"), (o, _) => TableCells.IsTrue(o, "spec", "storageCapacity")),
        new(ColumnTable.Column("TokenRequests", "string", typeof(V1CSIDriverSpec), "TokenRequests"), (o, _) => TokenRequests(o)),
        new(ColumnTable.Column("RequiresRepublish", "boolean", typeof(V1CSIDriverSpec), "RequiresRepublish"), (o, _) => TableCells.IsTrue(o, "spec", "requiresRepublish")),
        new(ColumnTable.Column("Modes", "string", typeof(V1CSIDriverSpec), "VolumeLifecycleModes"), (o, _) => TableCells.OrNone(TableCells.Join(TableCells.Strings(o, "spec", "volumeLifecycleModes")))),
        ColumnTable.Age);

    private static string TokenRequests(JsonObject o) => TableCells.Get(o, "spec", "tokenRequests") is JsonArray requests
        ? TableCells.Join(requests.OfType<JsonObject>().Select(r => TableCells.GetString(r, "audience") ?? ""))
        : "<unset>";
}
