using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Networking.PodNetworkAttachments;

/// <summary>
/// PodNetworkAttachments: NAME PODNETWORK READY AGE, and with -o wide PARAMETERS. (The fork printed the PodNetwork
/// under a column named ParentRef and had no Ready or Age.)
/// </summary>
internal sealed class PodNetworkAttachmentTable : ITablePrinter
{
    private static readonly TableColumn[] PodNetworkAttachmentColumns =
    [
        TableCells.NameColumn,
        new("PodNetwork", "string", "", "PodNetworkName refers to a PodNetwork object that this PodNetworkAttachment is connected to."),
        new("Ready", "string", "", "The status of the Ready condition: True, False or Unknown."),
        TableCells.AgeColumn,
        new("Parameters", "string", "", "ParametersRefs points to the vendor or implementation specific params for the PodNetworkAttachment, as kind/namespace/name.", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => PodNetworkAttachmentColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        TableCells.Name(obj),
        TableCells.GetString(obj, "spec", "podNetworkName") ?? "",
        NetworkingCells.Ready(obj),
        TableCells.Age(obj, now),
        NetworkingCells.Parameters(TableCells.Get(obj, "spec", "parametersRefs")),
    ];
}
