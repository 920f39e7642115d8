using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Kubelet;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>
/// kube-controller-manager's job controller: runs a Job's pods (<see cref="JobPods"/>) up to parallelism until
/// completions succeeded (NonIndexed) or every index did (Indexed, or its successPolicy is met); replaces failed pods after
/// the pod-failure back-off (<see cref="PodFailureBackoff"/>) until backoffLimit is passed, a podFailurePolicy FailJob rule
/// matches or activeDeadlineSeconds runs out; deletes the pods of a suspended job. Finished pods are counted through
/// status.uncountedTerminatedPods before their batch.kubernetes.io/job-tracking finalizer is removed. The end is reported as
/// upstream does: SuccessCriteriaMet or FailureTarget first, then, once no pod is left running, Complete (with
/// completionTime) or Failed, with the same reason and message, and an event.
/// </summary>
internal sealed class JobController(ControllerContext context) : Reconciler<NamespacedName>(context, "job")
{
    public const string Component = "job-controller";

    public const string FieldManager = "kube-controller-manager";

    /// <summary>The pod-failure back-off of each job (by uid), as upstream's backoffRecordStore keeps it in memory.</summary>
    private readonly ConcurrentDictionary<string, PodFailureBackoff> _backoffs = new(StringComparer.Ordinal);

    private ResourceStore Jobs => Context.Catalog.Get("batch", "jobs");

    private ResourceStore Pods => Context.Catalog.Get("", "pods");

    private SharedInformer JobInformer => Informers.For("batch", "jobs");

    protected override void Watch(SharedInformerFactory informers)
    {
        JobInformer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                _backoffs.TryRemove(e.Object.Uid() ?? "", out _);
            }

            Queue.Add(NamespacedName.Of(e.Object));
        });
        informers.Pods.AddHandler(e =>
        {
            if (NamespacedName.ControllerOf(e.Object, "Job") is { } owner)
            {
                Queue.Add(owner);
            }
            else if (OwnerReferences.ControllerOf(e.Object) is null && JobPods.Tracked(e.Object) && JobPods.JobNameOf(e.Object) is { } job)
            {
                // Orphaned by its job (deletion with propagationPolicy=Orphan): the job's key releases it.
                Queue.Add(new NamespacedName(e.Object.Namespace(), job));
            }
        });
    }

    /// <summary>One syncJob: counts finished pods, decides the job's end, creates or deletes pods, writes the status.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (JobInformer.Lister.Get(key.Namespace, key.Name) is not { } job)
        {
            // The job is gone: nothing will count its pods any more, so they must not keep its finalizer (upstream's
            // syncOrphanPod), or a pod the garbage collector deletes after the job stays Terminating for ever.
            await RemoveFinalizersAsync(OrphanedPods(key), cancellationToken);
            return;
        }

        var pods = OwnedPods(job);
        if (job.HasDeletionTimestamp() || JobConditions.Finished(job["status"] as JsonObject))
        {
            // Nothing more to count: let the pods go.
            await RemoveFinalizersAsync(pods.Where(JobPods.Tracked), cancellationToken);
            return;
        }

        var now = Time.GetUtcNow();
        var stamp = ObjectMeta.FormatTime(now);
        var spec = job["spec"] as JsonObject ?? [];
        var status = job["status"]?.DeepClone() as JsonObject ?? [];
        var indexed = spec.GetString("completionMode") == "Indexed";
        var completions = spec.GetInt64("completions") is { } c ? (int)c : (int?)null;
        var parallelism = (int)(spec.GetInt64("parallelism") ?? 1);
        var suspended = spec["suspend"]?.GetValue<bool>() == true;
        var ending = JobConditions.True(status, JobConditions.FailureTarget) is not null || JobConditions.True(status, JobConditions.SuccessCriteriaMet) is not null;

        // 1. Count the pods that finished since the last sync: first into uncountedTerminatedPods, then off with the finalizer.
        var uncounted = status["uncountedTerminatedPods"] as JsonObject ?? [];
        var uncountedSucceeded = Uids(uncounted["succeeded"]);
        var uncountedFailed = Uids(uncounted["failed"]);
        var finishing = new List<JsonObject>();
        JobCondition? failureTarget = null;
        var newFailures = 0;
        var newSuccesses = 0;
        var lastFailure = DateTimeOffset.MinValue;
        foreach (var pod in pods.Where(JobPods.Tracked))
        {
            var uid = pod.Uid() ?? "";
            var phase = pod.FieldString("status.phase");
            var deletedAndStopped = pod.HasDeletionTimestamp() && PodStatusBuilder.Stopped(pod);
            if (phase == "Succeeded")
            {
                newSuccesses += uncountedSucceeded.Add(uid) ? 1 : 0;
            }
            else if (phase == "Failed" || deletedAndStopped)
            {
                finishing.Add(pod);
                if (suspended || ending || uncountedFailed.Contains(uid))
                {
                    // Pods the controller itself removed (suspension, the job's end) are not failures.
                    continue;
                }

                var match = PodFailureMatch.Of(spec["podFailurePolicy"] as JsonObject, pod);
                if (match?.Action == "Ignore")
                {
                    continue;
                }

                failureTarget ??= match?.Action == "FailJob" ? JobConditions.PodFailurePolicy(match.Message) : null;
                uncountedFailed.Add(uid);
                newFailures++;
                var finished = JobPods.FinishedAt(pod, now);
                lastFailure = finished > lastFailure ? finished : lastFailure;
                continue;
            }
            else
            {
                continue;
            }

            finishing.Add(pod);
        }

        if (finishing.Count > 0)
        {
            status["uncountedTerminatedPods"] = UncountedJson(uncountedSucceeded, uncountedFailed);
            job = await WriteStatusAsync(job, status, cancellationToken);
            await RemoveFinalizersAsync(finishing, cancellationToken);
        }

        // The rest of the sync works on the pods as counted above, not a newer list: a pod that finished meanwhile is
        // still active here, and is counted by the next sync instead of being taken for a missing one and replaced.

        var backoff = _backoffs.GetOrAdd(job.Uid() ?? "", PodFailureBackoff.None).After(newSuccesses, newFailures, lastFailure);
        _backoffs[job.Uid() ?? ""] = backoff;

        // 2. Fold the counted pods into the counters.
        var completed = CompletedIndexes.Parse(status.GetString("completedIndexes"), completions ?? 0);
        if (indexed)
        {
            foreach (var pod in pods.Where(p => uncountedSucceeded.Contains(p.Uid() ?? "")))
            {
                if (JobPods.IndexOf(pod) is { } index && index < (completions ?? 0))
                {
                    completed.Add(index);
                }
            }

            status["completedIndexes"] = CompletedIndexes.Format(completed);
        }

        var succeeded = indexed ? completed.Count : (int)(status.GetInt64("succeeded") ?? 0) + uncountedSucceeded.Count;
        var failed = (int)(status.GetInt64("failed") ?? 0) + uncountedFailed.Count;
        SetCount(status, "succeeded", succeeded);
        SetCount(status, "failed", failed);
        status["uncountedTerminatedPods"] = new JsonObject();

        var active = pods.Where(PodState.IsActive).ToList();
        var terminating = pods.Count(p => p.HasDeletionTimestamp() && !PodState.IsTerminal(p) && !PodStatusBuilder.Stopped(p));

        // 3. Suspension.
        if (suspended && !ending)
        {
            await DeletePodsAsync(job, active, cancellationToken);
            active = [];
            if (JobConditions.True(status, JobConditions.Suspended) is null)
            {
                JobConditions.Set(status, JobConditions.JobSuspended, stamp);
                await Context.Events.RecordAsync(job, "Normal", "Suspended", "Job suspended", Component, cancellationToken);
            }
        }
        else if (!suspended && JobConditions.True(status, JobConditions.Suspended) is not null)
        {
            JobConditions.Set(status, JobConditions.JobResumed, stamp, value: false);
            status["startTime"] = stamp;
            await Context.Events.RecordAsync(job, "Normal", "Resumed", "Job resumed", Component, cancellationToken);
        }

        if (!suspended && status["startTime"] is null)
        {
            status["startTime"] = stamp;
        }

        // 4. Has the job reached its end?
        if (!ending && !suspended)
        {
            var backoffLimit = spec.GetInt64("backoffLimit") ?? 6;
            var deadline = spec.GetInt64("activeDeadlineSeconds") is { } seconds && ObjectMetaTime(status.GetString("startTime")) is { } started
                ? started.AddSeconds(seconds) : (DateTimeOffset?)null;
            var successRule = indexed ? SuccessPolicy.MetRule(spec["successPolicy"] as JsonObject, completed, completions ?? 0) : null;
            var end = failureTarget
                ?? (failed > backoffLimit || PastBackoffLimitOnFailure(spec, active, backoffLimit) ? JobConditions.BackoffLimitExceeded : null)
                ?? (deadline is { } d && d <= now ? JobConditions.DeadlineExceeded : null)
                ?? (successRule is { } rule ? JobConditions.SuccessPolicy(rule) : null)
                ?? (Complete(completions, succeeded, active.Count) ? JobConditions.CompletionsReached : null);
            if (end is not null)
            {
                JobConditions.Set(status, end, stamp);
                ending = true;
            }
            else if (deadline is { } due)
            {
                RequeueAt(new NamespacedName(job.Namespace(), job.Name()), due);
            }
        }

        if (ending)
        {
            await DeletePodsAsync(job, active, cancellationToken);
            active = [];
            if (terminating == 0)
            {
                await FinishAsync(job, status, stamp, cancellationToken);
            }
        }
        else if (!suspended)
        {
            // 5. Run the wanted pods.
            active = await ManagePodsAsync(job, spec, active, indexed, completions, parallelism, succeeded, completed, backoff, now, cancellationToken);
        }

        SetCount(status, "active", active.Count);
        status["ready"] = active.Count(PodState.IsReady);
        status["terminating"] = terminating;
        await WriteStatusAsync(job, status, cancellationToken);
    }

    /// <summary>With restartPolicy OnFailure the containers' restarts count as failures (pastBackoffLimitOnFailure).</summary>
    private static bool PastBackoffLimitOnFailure(JsonObject spec, List<JsonObject> active, long backoffLimit) =>
        spec["template"]?["spec"]?["restartPolicy"]?.GetValue<string>() == "OnFailure"
            && active.Sum(p => PodState.RestartCount(p) + ((p["status"]?["initContainerStatuses"] as JsonArray)?.OfType<JsonObject>().Sum(c => c.GetInt64("restartCount") ?? 0) ?? 0)) > backoffLimit;

    /// <summary>Whether the job succeeded by its counts: completions succeeded, or (no completions) one pod succeeded and none runs.</summary>
    private static bool Complete(int? completions, int succeeded, int active) =>
        completions is { } wanted ? succeeded >= wanted : succeeded > 0 && active == 0;

    private async Task FinishAsync(JsonObject job, JsonObject status, string stamp, CancellationToken cancellationToken)
    {
        if (JobConditions.True(status, JobConditions.FailureTarget) is { } target)
        {
            var reason = target.GetString("reason") ?? "";
            var message = target.GetString("message") ?? "";
            JobConditions.Set(status, new JobCondition(JobConditions.Failed, reason, message), stamp);
            await Context.Events.RecordAsync(job, "Warning", reason, message, Component, cancellationToken);
        }
        else if (JobConditions.True(status, JobConditions.SuccessCriteriaMet) is { } met)
        {
            JobConditions.Set(status, new JobCondition(JobConditions.Complete, met.GetString("reason") ?? "", met.GetString("message") ?? ""), stamp);
            status["completionTime"] = stamp;
            await Context.Events.RecordAsync(job, "Normal", "Completed", "Job completed", Component, cancellationToken);
        }
    }

    private async Task<List<JsonObject>> ManagePodsAsync(
        JsonObject job, JsonObject spec, List<JsonObject> active, bool indexed, int? completions, int parallelism, int succeeded,
        SortedSet<int> completed, PodFailureBackoff backoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<int?> toCreate;
        if (indexed)
        {
            var running = active.Select(JobPods.IndexOf).Where(i => i is not null).Select(i => i!.Value).ToHashSet();
            toCreate = Enumerable.Range(0, completions ?? 0).Where(i => !completed.Contains(i) && !running.Contains(i))
                .Take(Math.Max(0, parallelism - active.Count)).Select(i => (int?)i).ToList();
        }
        else
        {
            var wanted = completions is { } n ? Math.Min(parallelism, n - succeeded) : succeeded > 0 ? Math.Min(active.Count, parallelism) : parallelism;
            toCreate = Enumerable.Repeat((int?)null, Math.Max(0, wanted - active.Count)).ToList();
            if (active.Count > Math.Max(0, wanted))
            {
                var extra = active.OrderBy(PodState.IsReady).ThenByDescending(PodState.CreatedAt).Take(active.Count - Math.Max(0, wanted)).ToList();
                await DeletePodsAsync(job, extra, cancellationToken);
                active = [.. active.Except(extra)];
            }
        }

        if (toCreate.Count == 0)
        {
            return active;
        }

        if (backoff.Remaining(now) > TimeSpan.Zero)
        {
            RequeueAt(new NamespacedName(job.Namespace(), job.Name()), now + backoff.Remaining(now));
            return active;
        }

        foreach (var index in toCreate)
        {
            try
            {
                var created = ObjectJson.Parse((await Pods.CreateAsync(job.Namespace(), JobPods.FromTemplate(job, index), new WriteOptions(FieldManager: FieldManager), cancellationToken)).Value);
                await Context.Events.RecordAsync(job, "Normal", "SuccessfulCreate", "Created pod: " + created.Name(), Component, cancellationToken);
                active.Add(created);
            }
            catch (ApiException e) when (e.Code is 400 or 403 or 404 or 409 or 422)
            {
                await Context.Events.RecordAsync(job, "Warning", "FailedCreate", "Error creating: " + e.Message, Component, cancellationToken);
                throw;
            }
        }

        return active;
    }

    private List<JsonObject> OwnedPods(JsonObject job) =>
        Informers.Pods.Lister.ByIndex(Indexers.ByControllerUid, job.Uid() ?? "", job.Namespace())
            .Where(p => OwnerReferences.IsControlledBy(p, "Job", job.Uid()))
            .ToList();

    /// <summary>
    /// The pods of the deleted job <paramref name="key"/> that still carry the tracking finalizer: controlled by a Job of
    /// that name (no such job exists), or orphaned by it and still labelled with its name.
    /// </summary>
    private List<JsonObject> OrphanedPods(NamespacedName key) =>
        Informers.Pods.Lister.List(key.Namespace)
            .Where(JobPods.Tracked)
            .Where(p => OwnerReferences.ControllerOf(p) is { } owner
                ? owner.GetString("kind") == "Job" && owner.GetString("name") == key.Name
                : JobPods.JobNameOf(p) == key.Name)
            .ToList();

    private async Task DeletePodsAsync(JsonObject job, IEnumerable<JsonObject> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            try
            {
                await Pods.DeleteAsync(pod.Namespace(), pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken);
                await Context.Events.RecordAsync(job, "Normal", "SuccessfulDelete", "Deleted pod: " + pod.Name(), Component, cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                // Gone meanwhile.
            }
        }
    }

    private async Task RemoveFinalizersAsync(IEnumerable<JsonObject> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            try
            {
                await Pods.UpdateAsync(pod.Namespace(), pod.Name(), p =>
                {
                    p.Metadata().Remove("resourceVersion");
                    if (p.Uid() != pod.Uid())
                    {
                        throw ApiException.ConflictWith(Pods.Definition.GroupResource, pod.Name(), "the pod was replaced");
                    }

                    var finalizers = new JsonArray([.. p.Finalizers().Where(f => f != JobPods.TrackingFinalizer).Select(f => (JsonNode)f)]);
                    if (finalizers.Count > 0)
                    {
                        p.Metadata()["finalizers"] = finalizers;
                    }
                    else
                    {
                        p.Metadata().Remove("finalizers");
                    }

                    return p;
                }, Pods.Definition.Strategy, new WriteOptions(FieldManager: FieldManager), cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                // Gone or replaced meanwhile.
            }
        }
    }

    private async Task<JsonObject> WriteStatusAsync(JsonObject job, JsonObject status, CancellationToken cancellationToken)
    {
        if (JsonNode.DeepEquals(status, job["status"]))
        {
            return job;
        }

        var uid = job.Uid();
        var written = await Jobs.UpdateAsync(job.Namespace(), job.Name(), current =>
        {
            if (current.Uid() != uid)
            {
                throw ApiException.ConflictWith(Jobs.Definition.GroupResource, job.Name(), "the job was replaced");
            }

            current.Metadata().Remove("resourceVersion");
            current["status"] = status.DeepClone();
            return current;
        }, Jobs.Definition.StatusStrategy!, new WriteOptions(FieldManager: FieldManager) { Subresource = "status" }, cancellationToken);
        return ObjectJson.Parse(written.Value);
    }

    private static HashSet<string> Uids(JsonNode? list) =>
        (list as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);

    private static JsonObject UncountedJson(HashSet<string> succeeded, HashSet<string> failed)
    {
        var result = new JsonObject();
        if (succeeded.Count > 0)
        {
            result["succeeded"] = new JsonArray([.. succeeded.Order(StringComparer.Ordinal).Select(u => (JsonNode)u)]);
        }

        if (failed.Count > 0)
        {
            result["failed"] = new JsonArray([.. failed.Order(StringComparer.Ordinal).Select(u => (JsonNode)u)]);
        }

        return result;
    }

    /// <summary>Sets an omitempty counter: absent when zero.</summary>
    private static void SetCount(JsonObject status, string field, int value)
    {
        if (value > 0)
        {
            status[field] = value;
        }
        else
        {
            status.Remove(field);
        }
    }

    private static DateTimeOffset? ObjectMetaTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
