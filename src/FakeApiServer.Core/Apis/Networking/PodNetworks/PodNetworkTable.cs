using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Networking.PodNetworks;

/// <summary>
/// PodNetworks: NAME ENABLED PROVIDER READY AGE, and with -o wide PARAMETERS (kind/namespace/name, comma separated).
/// The fork printed NAME ENABLED PROVIDER only; READY (the Ready condition, Unknown until a controller sets it),
/// AGE and PARAMETERS follow the KEP's intent and kubectl's usual shape.
/// </summary>
internal sealed class PodNetworkTable : ITablePrinter
{
    private static readonly TableColumn[] PodNetworkColumns =
    [
        TableCells.NameColumn,
        new("Enabled", "boolean", "", "Enabled is used to administratively enable/disable a PodNetwork. When set to false, PodNetwork Ready condition will be set to False. Defaults to True."),
        new("Provider", "string", "", "Provider specifies the provider implementing this PodNetwork."),
        new("Ready", "string", "", "The status of the Ready condition: True, False or Unknown."),
        TableCells.AgeColumn,
        new("Parameters", "string", "", "ParametersRefs points to the vendor or implementation specific params for the podNetwork, as kind/namespace/name.", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => PodNetworkColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        TableCells.Name(obj),
        TableCells.Get(obj, "spec", "enabled") is JsonValue enabled && enabled.TryGetValue(out bool on) ? on : true,
        TableCells.OrNone(TableCells.GetString(obj, "spec", "provider")),
        NetworkingCells.Ready(obj),
        TableCells.Age(obj, now),
        NetworkingCells.Parameters(TableCells.Get(obj, "spec", "parametersRefs")),
    ];

}
