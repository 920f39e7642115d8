using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Batch.CronJobs;

/// <summary>
/// CronJobs as kube-apiserver's printCronJob: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, and with -o wide
/// CONTAINERS IMAGES SELECTOR (of the job template).
/// </summary>
internal static class CronJobTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(ColumnTable.Column("Schedule", "string", typeof(V1CronJobSpec), "Schedule"), (o, _) => TableCells.GetString(o, "spec", "schedule") ?? ""),
        new(ColumnTable.Column("Timezone", "string", typeof(V1CronJobSpec), "TimeZone"), (o, _) => TableCells.OrNone(TableCells.GetString(o, "spec", "timeZone"))),
        new(ColumnTable.Column("Suspend", "boolean", typeof(V1CronJobSpec), "Suspend"), (o, _) => BoolPointer(TableCells.Get(o, "spec", "suspend"))),
        new(ColumnTable.Column("Active", "integer", typeof(V1CronJobStatus), "Active"), (o, _) => (long)TableCells.Count(o, "status", "active")),
        new(ColumnTable.Column("Last Schedule", "string", typeof(V1CronJobStatus), "LastScheduleTime"), LastSchedule),
        ColumnTable.Age,
        ColumnTable.Containers(1, "spec", "jobTemplate", "spec", "template", "spec", "containers"),
        ColumnTable.Images(1, "spec", "jobTemplate", "spec", "template", "spec", "containers"),
        new(ColumnTable.Column("Selector", "string", typeof(V1JobSpec), "Selector", 1), (o, _) => TableCells.FormatLabelSelector(TableCells.Get(o, "spec", "jobTemplate", "spec", "selector"))));

    private static string LastSchedule(JsonObject o, DateTimeOffset now) =>
        TableCells.Get(o, "status", "lastScheduleTime") is { } time ? TableCells.Since(time, now) : TableCells.None;

    /// <summary>printBoolPtr: "&lt;unset&gt;" for nil, else True or False.</summary>
    internal static string BoolPointer(JsonNode? value) => value?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True => "True",
        System.Text.Json.JsonValueKind.False => "False",
        _ => "<unset>",
    };
}
