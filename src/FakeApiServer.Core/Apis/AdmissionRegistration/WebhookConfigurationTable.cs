using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.AdmissionRegistration;

/// <summary>Webhook configurations as kube-apiserver prints both kinds: NAME WEBHOOKS AGE.</summary>
internal sealed class WebhookConfigurationTable : ITablePrinter
{
    private static readonly TableColumn[] WebhookColumns =
    [
        TableCells.NameColumn,
        new("Webhooks", "integer", "", "Webhooks is a list of webhooks and the affected resources and operations."),
        TableCells.AgeColumn,
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => WebhookColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [TableCells.Name(obj), (long)TableCells.Count(obj, "webhooks"), TableCells.Age(obj, now)];
}
