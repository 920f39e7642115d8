using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using k8s.Models;

namespace FakeApiServer.Apis.Batch.Jobs;

/// <summary>
/// Jobs as kube-apiserver's printJob: NAME STATUS COMPLETIONS DURATION AGE, and with -o wide CONTAINERS IMAGES SELECTOR.
/// Completions is "succeeded/completions" (or "/1", "/1 of parallelism" without completions); Status is the first of
/// Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet that holds, else Running.
/// </summary>
internal static class JobTable
{
    public static readonly ITablePrinter Instance = new ColumnTable(
        ColumnTable.Name,
        new(new TableColumn("Status", "string", "", "Status of the job."), (o, _) => Status(o)),
        new(ColumnTable.Column("Completions", "string", typeof(V1JobStatus), "Succeeded"), (o, _) => Completions(o)),
        new(new TableColumn("Duration", "string", "", "Time required to complete the job."), Duration),
        ColumnTable.Age,
        ColumnTable.Containers(1, "spec", "template", "spec", "containers"),
        ColumnTable.Images(1, "spec", "template", "spec", "containers"),
        new(ColumnTable.Column("Selector", "string", typeof(V1JobSpec), "Selector", 1), (o, _) => TableCells.FormatLabelSelector(TableCells.Get(o, "spec", "selector"))));

    private static string Completions(JsonObject job)
    {
        var succeeded = TableCells.GetInt64(job, "status", "succeeded") ?? 0;
        if (TableCells.GetInt64(job, "spec", "completions") is { } completions)
        {
            return TableCells.Invariant($"{succeeded}/{completions}");
        }

        var parallelism = TableCells.GetInt64(job, "spec", "parallelism") ?? 0;
        return parallelism > 1 ? TableCells.Invariant($"{succeeded}/1 of {parallelism}") : TableCells.Invariant($"{succeeded}/1");
    }

    private static string Duration(JsonObject job, DateTimeOffset now)
    {
        if (TableCells.Timestamp(TableCells.Get(job, "status", "startTime")) is not { } start)
        {
            return "";
        }

        var end = TableCells.Timestamp(TableCells.Get(job, "status", "completionTime")) ?? now;
        return TableCells.HumanDuration(end - start);
    }

    private static string Status(JsonObject job)
    {
        bool Has(string type) => TableCells.Objects(job, "status", "conditions")
            .Any(c => TableCells.GetString(c, "type") == type && TableCells.GetString(c, "status") == "True");
        return Has("Complete") ? "Complete"
            : Has("Failed") ? "Failed"
            : job["metadata"]?["deletionTimestamp"] is not null ? "Terminating"
            : Has("Suspended") ? "Suspended"
            : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : "Running";
    }
}
