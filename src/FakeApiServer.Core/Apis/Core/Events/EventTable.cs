using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Apis.Core.Events;

/// <summary>
/// core/v1 Events as kube-apiserver's printEvent: LAST SEEN TYPE REASON OBJECT MESSAGE, and with
/// -o wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME (in upstream's column order, where the wide
/// columns sit between the default ones). events.k8s.io/v1 Events print the same way.
/// </summary>
internal sealed class EventTable : ITablePrinter
{
    private static readonly TableColumn[] EventColumns =
    [
        new("Last Seen", "string", "", "The time at which the most recent occurrence of this event was recorded."),
        new("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future"),
        new("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        new("Object", "string", "", "The object that this event is about."),
        new("Subobject", "string", "", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", 1),
        new("Source", "string", "", "The component reporting this event. Should be a short machine understandable string.", 1),
        new("Message", "string", "", "A human-readable description of the status of this operation."),
        new("First Seen", "string", "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
        new("Count", "string", "", "The number of times this event has occurred.", 1),
        new("Name", "string", "name", TableCells.NameDescription, 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => EventColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        Print(
            new EventFields(
                Name: TableCells.Name(obj),
                Type: TableCells.GetString(obj, "type"),
                Reason: TableCells.GetString(obj, "reason"),
                Message: TableCells.GetString(obj, "message"),
                InvolvedObject: TableCells.Get(obj, "involvedObject"),
                Source: TableCells.Get(obj, "source"),
                ReportingController: TableCells.GetString(obj, "reportingComponent"),
                ReportingInstance: TableCells.GetString(obj, "reportingInstance"),
                FirstTimestamp: TableCells.Get(obj, "firstTimestamp"),
                LastTimestamp: TableCells.Get(obj, "lastTimestamp"),
                EventTime: TableCells.Get(obj, "eventTime"),
                Count: TableCells.GetInt64(obj, "count"),
                Series: TableCells.Get(obj, "series")),
            now);

    /// <summary>printEvent over the fields of the internal Event, whichever API version they were read from.</summary>
    internal static IReadOnlyList<object?> Print(EventFields e, DateTimeOffset now)
    {
        var firstTimestamp = TableCells.Timestamp(e.FirstTimestamp) is null
            ? TableCells.Since(e.EventTime, now)
            : TableCells.Since(e.FirstTimestamp, now);
        var lastTimestamp = TableCells.Timestamp(e.LastTimestamp) is null
            ? firstTimestamp
            : TableCells.Since(e.LastTimestamp, now);

        var count = e.Count ?? 0;
        if (e.Series is JsonObject series)
        {
            lastTimestamp = TableCells.Since(TableCells.Get(series, "lastObservedTime"), now);
            count = TableCells.GetInt64(series, "count") ?? 0;
        }
        else if (count == 0)
        {
            // Singleton events don't have a count set in the new API.
            count = 1;
        }

        var kind = (TableCells.GetString(e.InvolvedObject, "kind") ?? "").ToLowerInvariant();
        var name = TableCells.GetString(e.InvolvedObject, "name") ?? "";
        var target = name.Length > 0 ? kind + "/" + name : kind;

        return
        [
            lastTimestamp,
            e.Type ?? "",
            e.Reason ?? "",
            target,
            TableCells.GetString(e.InvolvedObject, "fieldPath") ?? "",
            FormatSource(e.Source, e.ReportingController, e.ReportingInstance),
            (e.Message ?? "").Trim(),
            firstTimestamp,
            count,
            e.Name,
        ];
    }

    /// <summary>
    /// formatEventSource: "component, host", falling back to the reporting controller and instance,
    /// without the host part when there is none.
    /// </summary>
    private static string FormatSource(JsonNode? source, string? reportingController, string? reportingInstance)
    {
        var component = FirstNonEmpty(TableCells.GetString(source, "component"), reportingController);
        var instance = FirstNonEmpty(TableCells.GetString(source, "host"), reportingInstance);
        return instance.Length == 0 ? component : component + ", " + instance;
    }

    private static string FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrEmpty(first) ? first : second ?? "";

    /// <summary>The fields of the internal Event that printEvent reads.</summary>
    internal readonly record struct EventFields(
        string Name,
        string? Type,
        string? Reason,
        string? Message,
        JsonNode? InvolvedObject,
        JsonNode? Source,
        string? ReportingController,
        string? ReportingInstance,
        JsonNode? FirstTimestamp,
        JsonNode? LastTimestamp,
        JsonNode? EventTime,
        long? Count,
        JsonNode? Series);
}
