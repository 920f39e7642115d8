using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Jobs;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.CronJobs;

/// <summary>
/// kube-controller-manager's cronjob controller (v2): at each time of a CronJob's schedule (<see cref="CronSchedule"/>,
/// in spec.timeZone, UTC when unset) it creates a Job "&lt;cronjob&gt;-&lt;scheduled time in minutes since the epoch&gt;"
/// from the jobTemplate, annotated batch.kubernetes.io/cronjob-scheduled-timestamp and controlled by the CronJob; only the
/// most recent missed time is run, and not when it is more than startingDeadlineSeconds late (MissSchedule). The
/// concurrencyPolicy is honoured (Forbid skips while a job runs, Replace deletes the running ones), suspend stops
/// scheduling, and finished jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit are deleted, oldest first.
/// status.active, lastScheduleTime and lastSuccessfulTime are kept. Time is the TimeProvider's, so tests advance it.
/// </summary>
internal sealed class CronJobController(ControllerContext context) : Reconciler<NamespacedName>(context, "cronjob")
{
    public const string Component = "cronjob-controller";

    public const string FieldManager = "kube-controller-manager";

    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>The margin upstream adds to the wait for the next schedule time (nextScheduleDelta).</summary>
    private static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    private ResourceStore CronJobs => Context.Catalog.Get("batch", "cronjobs");

    private ResourceStore Jobs => Context.Catalog.Get("batch", "jobs");

    private SharedInformer CronJobInformer => Informers.For("batch", "cronjobs");

    private SharedInformer JobInformer => Informers.For("batch", "jobs");

    protected override void Watch(SharedInformerFactory informers)
    {
        CronJobInformer.AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));
        JobInformer.AddHandler(e =>
        {
            if (NamespacedName.ControllerOf(e.Object, "CronJob") is { } owner)
            {
                Queue.Add(owner);
            }
        });
    }

    /// <summary>One syncCronJob: tracks the jobs, starts the due one, prunes history, writes the status, waits for the next time.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (CronJobInformer.Lister.Get(key.Namespace, key.Name) is not { } cronJob)
        {
            return;
        }

        var spec = cronJob["spec"] as JsonObject ?? [];
        var status = cronJob["status"]?.DeepClone() as JsonObject ?? [];
        var jobs = OwnedJobs(cronJob);
        await TrackJobsAsync(cronJob, status, jobs, cancellationToken);
        var now = Time.GetUtcNow();
        if (cronJob.HasDeletionTimestamp())
        {
            await WriteStatusAsync(cronJob, status, cancellationToken);
            return;
        }

        TimeZoneInfo zone;
        try
        {
            zone = spec.GetString("timeZone") is { } name ? TimeZoneInfo.FindSystemTimeZoneById(name) : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            await Context.Events.RecordAsync(cronJob, "Warning", "UnknownTimeZone", $"invalid timeZone: \"{spec.GetString("timeZone")}\": {e.Message}", Component, cancellationToken);
            await WriteStatusAsync(cronJob, status, cancellationToken);
            return;
        }

        if (!CronSchedule.TryParse(spec.GetString("schedule") ?? "", out var schedule, out var error))
        {
            await Context.Events.RecordAsync(cronJob, "Warning", "UnparseableSchedule", $"unparseable schedule: \"{spec.GetString("schedule")}\" : {error}", Component, cancellationToken);
            await WriteStatusAsync(cronJob, status, cancellationToken);
            return;
        }

        if (spec["suspend"]?.GetValue<bool>() != true)
        {
            await StartDueJobAsync(cronJob, spec, status, jobs, schedule!, zone, now, cancellationToken);
        }

        await PruneHistoryAsync(cronJob, spec, OwnedJobs(cronJob), cancellationToken);
        await WriteStatusAsync(cronJob, status, cancellationToken);
        if (spec["suspend"]?.GetValue<bool>() != true && schedule!.Next(now, zone) is { } next)
        {
            RequeueAt(key, next + NextScheduleDelta);
        }
    }

    /// <summary>status.active follows the jobs: finished ones leave it (lastSuccessfulTime moves on), running ones are in it.</summary>
    private async Task TrackJobsAsync(JsonObject cronJob, JsonObject status, List<JsonObject> jobs, CancellationToken cancellationToken)
    {
        var active = (status["active"] as JsonArray ?? []).OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()).ToList();
        var byUid = jobs.ToDictionary(j => j.Uid() ?? "", StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            var jobStatus = job["status"] as JsonObject;
            var listed = active.Any(r => r.GetString("uid") == job.Uid());
            var finished = JobConditions.True(jobStatus, JobConditions.Complete) ?? JobConditions.True(jobStatus, JobConditions.Failed);
            if (finished is null && !listed && !job.HasDeletionTimestamp())
            {
                active.Add(Reference(job));
            }
            else if (finished is not null && listed)
            {
                active.RemoveAll(r => r.GetString("uid") == job.Uid());
                await Context.Events.RecordAsync(cronJob, "Normal", "SawCompletedJob", $"Saw completed job: {job.Name()}, condition: {finished.GetString("type")}", Component, cancellationToken);
            }

            if (JobConditions.True(jobStatus, JobConditions.Complete) is not null && jobStatus?.GetString("completionTime") is { } completed
                && Later(completed, status.GetString("lastSuccessfulTime")))
            {
                status["lastSuccessfulTime"] = completed;
            }
        }

        foreach (var missing in active.Where(r => !byUid.ContainsKey(r.GetString("uid") ?? "")).ToList())
        {
            active.Remove(missing);
            await Context.Events.RecordAsync(cronJob, "Normal", "MissingJob", "Active job went missing: " + missing.GetString("name"), Component, cancellationToken);
        }

        SetActive(status, active);
    }

    private async Task StartDueJobAsync(
        JsonObject cronJob, JsonObject spec, JsonObject status, List<JsonObject> jobs, CronSchedule schedule, TimeZoneInfo zone, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var earliest = ParseTime(status.GetString("lastScheduleTime")) ?? PodState.CreatedAt(cronJob);
        var deadline = spec.GetInt64("startingDeadlineSeconds");
        if (deadline is { } seconds && now.AddSeconds(-seconds) > earliest)
        {
            earliest = now.AddSeconds(-seconds);
        }

        DateTimeOffset? scheduled = null;
        var missed = 0;
        for (var t = schedule.Next(earliest, zone); t is { } at && at <= now; t = schedule.Next(at, zone))
        {
            scheduled = at;
            if (++missed > 100_000)
            {
                break;
            }
        }

        if (scheduled is not { } time)
        {
            return;
        }

        if (missed > 100)
        {
            await Context.Events.RecordAsync(cronJob, "Warning", "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew", Component, cancellationToken);
        }

        if (deadline is { } late && time.AddSeconds(late) < now)
        {
            await Context.Events.RecordAsync(cronJob, "Warning", "MissSchedule",
                "Missed scheduled time to start a job: " + time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture), Component, cancellationToken);
            return;
        }

        var name = cronJob.Name() + "-" + (time.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture);
        if (jobs.Any(j => j.Name() == name))
        {
            return;
        }

        var active = (status["active"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var policy = spec.GetString("concurrencyPolicy") ?? "Allow";
        if (policy == "Forbid" && active.Count > 0)
        {
            await Context.Events.RecordAsync(cronJob, "Normal", "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid", Component, cancellationToken);
            return;
        }

        if (policy == "Replace")
        {
            foreach (var running in active)
            {
                await DeleteJobAsync(cronJob, running.GetString("name") ?? "", running.GetString("uid"), cancellationToken);
            }

            active.Clear();
        }

        JsonObject created;
        try
        {
            created = ObjectJson.Parse((await Jobs.CreateAsync(cronJob.Namespace(), JobFromTemplate(cronJob, name, time, zone), new WriteOptions(FieldManager: FieldManager), cancellationToken)).Value);
        }
        catch (ApiException e) when (e.Code is 400 or 403 or 404 or 422)
        {
            await Context.Events.RecordAsync(cronJob, "Warning", "FailedCreate", "Error creating job: " + e.Message, Component, cancellationToken);
            return;
        }

        await Context.Events.RecordAsync(cronJob, "Normal", "SuccessfulCreate", "Created job " + created.Name(), Component, cancellationToken);
        active.Add(Reference(created));
        SetActive(status, active.Select(a => (JsonObject)a.DeepClone()).ToList());
        status["lastScheduleTime"] = ObjectMeta.FormatTime(time);
    }

    /// <summary>The job a cronjob makes for <paramref name="scheduled"/> (getJobFromTemplate2).</summary>
    internal static JsonObject JobFromTemplate(JsonObject cronJob, string name, DateTimeOffset scheduled, TimeZoneInfo zone)
    {
        var template = cronJob["spec"]?["jobTemplate"] as JsonObject;
        var templateMeta = template?["metadata"] as JsonObject;
        var annotations = templateMeta?["annotations"]?.DeepClone() as JsonObject ?? [];
        annotations[ScheduledTimestampAnnotation] = TimeZoneInfo.ConvertTime(scheduled, zone).ToString(
            TimeZoneInfo.ConvertTime(scheduled, zone).Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var meta = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = cronJob.Namespace(),
            ["annotations"] = annotations,
            ["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(cronJob, "batch/v1", "CronJob")),
        };
        if (templateMeta?["labels"] is JsonObject labels)
        {
            meta["labels"] = labels.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = meta,
            ["spec"] = template?["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>Deletes finished jobs beyond the history limits, the oldest first.</summary>
    private async Task PruneHistoryAsync(JsonObject cronJob, JsonObject spec, List<JsonObject> jobs, CancellationToken cancellationToken)
    {
        foreach (var (type, field, fallback) in new[] { (JobConditions.Complete, "successfulJobsHistoryLimit", 3L), (JobConditions.Failed, "failedJobsHistoryLimit", 1L) })
        {
            var limit = spec.GetInt64(field) ?? fallback;
            var finished = jobs.Where(j => !j.HasDeletionTimestamp() && JobConditions.True(j["status"] as JsonObject, type) is not null)
                .OrderBy(j => ParseTime(j.FieldString("status.startTime")) ?? PodState.CreatedAt(j)).ToList();
            foreach (var job in finished.Take(Math.Max(0, finished.Count - (int)limit)))
            {
                await DeleteJobAsync(cronJob, job.Name(), job.Uid(), cancellationToken);
            }
        }
    }

    private async Task DeleteJobAsync(JsonObject cronJob, string name, string? uid, CancellationToken cancellationToken)
    {
        try
        {
            await Jobs.DeleteAsync(cronJob.Namespace(), name, new DeleteOptions { PropagationPolicy = DeletionPropagation.Background, PreconditionUid = uid }, cancellationToken);
            await Context.Events.RecordAsync(cronJob, "Normal", "SuccessfulDelete", "Deleted job " + name, Component, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone meanwhile.
        }
    }

    private List<JsonObject> OwnedJobs(JsonObject cronJob) =>
        JobInformer.Lister.ByIndex(Indexers.ByControllerUid, cronJob.Uid() ?? "", cronJob.Namespace())
            .Where(j => OwnerReferences.IsControlledBy(j, "CronJob", cronJob.Uid()))
            .ToList();

    private static JsonObject Reference(JsonObject job) => new()
    {
        ["kind"] = "Job",
        ["namespace"] = job.Namespace(),
        ["name"] = job.Name(),
        ["uid"] = job.Uid(),
        ["apiVersion"] = "batch/v1",
        ["resourceVersion"] = job.ResourceVersion(),
    };

    private static void SetActive(JsonObject status, List<JsonObject> active)
    {
        if (active.Count > 0)
        {
            status["active"] = new JsonArray([.. active]);
        }
        else
        {
            status.Remove("active");
        }
    }

    private async Task WriteStatusAsync(JsonObject cronJob, JsonObject status, CancellationToken cancellationToken)
    {
        if (JsonNode.DeepEquals(status, cronJob["status"]))
        {
            return;
        }

        var uid = cronJob.Uid();
        await CronJobs.UpdateAsync(cronJob.Namespace(), cronJob.Name(), current =>
        {
            if (current.Uid() != uid)
            {
                throw ApiException.ConflictWith(CronJobs.Definition.GroupResource, cronJob.Name(), "the cronjob was replaced");
            }

            current.Metadata().Remove("resourceVersion");
            current["status"] = status.DeepClone();
            return current;
        }, CronJobs.Definition.StatusStrategy!, new WriteOptions(FieldManager: FieldManager) { Subresource = "status" }, cancellationToken);
    }

    private static bool Later(string time, string? than) => than is null || ParseTime(time) > ParseTime(than);

    private static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
