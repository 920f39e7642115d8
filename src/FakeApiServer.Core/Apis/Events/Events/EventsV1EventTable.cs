using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using FakeApiServer.Apis.Core.Events;

namespace FakeApiServer.Apis.Events.Events;

/// <summary>
/// events.k8s.io/v1 Events. kube-apiserver prints them from the same internal Event as core/v1
/// Events, so the columns are <see cref="EventTable"/>'s and the fields map as the conversion does:
/// regarding is the involved object, note the message, deprecatedSource/FirstTimestamp/
/// LastTimestamp/Count the source, timestamps and count.
/// </summary>
internal sealed class EventsV1EventTable : ITablePrinter
{
    private static readonly EventTable CoreEvents = new();

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => CoreEvents.Columns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        EventTable.Print(
            new EventTable.EventFields(
                Name: TableCells.Name(obj),
                Type: TableCells.GetString(obj, "type"),
                Reason: TableCells.GetString(obj, "reason"),
                Message: TableCells.GetString(obj, "note"),
                InvolvedObject: TableCells.Get(obj, "regarding"),
                Source: TableCells.Get(obj, "deprecatedSource"),
                ReportingController: TableCells.GetString(obj, "reportingController"),
                ReportingInstance: TableCells.GetString(obj, "reportingInstance"),
                FirstTimestamp: TableCells.Get(obj, "deprecatedFirstTimestamp"),
                LastTimestamp: TableCells.Get(obj, "deprecatedLastTimestamp"),
                EventTime: TableCells.Get(obj, "eventTime"),
                Count: TableCells.GetInt64(obj, "deprecatedCount"),
                Series: TableCells.Get(obj, "series")),
            now);
}
