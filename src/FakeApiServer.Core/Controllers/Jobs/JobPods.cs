using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Apis.Batch.Jobs;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>
/// The pods of a Job as the job controller makes and reads them: named "&lt;job&gt;-" plus a random suffix (Indexed:
/// "&lt;job&gt;-&lt;index&gt;-"), controlled by the job, carrying the batch.kubernetes.io/job-tracking finalizer until
/// counted, and for Indexed jobs the completion index as annotation and label, the JOB_COMPLETION_INDEX variable and the
/// hostname "&lt;job&gt;-&lt;index&gt;".
/// </summary>
internal static class JobPods
{
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";

    public const string CompletionIndexEnv = "JOB_COMPLETION_INDEX";

    /// <summary>The pod the job makes for <paramref name="index"/> (null: NonIndexed).</summary>
    public static JsonObject FromTemplate(JsonObject job, int? index)
    {
        var template = job["spec"]?["template"] as JsonObject;
        var templateMeta = template?["metadata"] as JsonObject;
        var meta = new JsonObject
        {
            ["generateName"] = index is { } i ? FormattableString.Invariant($"{job.Name()}-{i}-") : job.Name() + "-",
            ["namespace"] = job.Namespace(),
        };
        var labels = templateMeta?["labels"]?.DeepClone() as JsonObject ?? [];
        var annotations = templateMeta?["annotations"]?.DeepClone() as JsonObject ?? [];
        var spec = template?["spec"]?.DeepClone() as JsonObject ?? [];
        if (index is { } n)
        {
            var text = n.ToString(CultureInfo.InvariantCulture);
            labels[CompletionIndexKey] = text;
            annotations[CompletionIndexKey] = text;
            foreach (var list in new[] { "initContainers", "containers" })
            {
                foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var env = container["env"] as JsonArray ?? [];
                    container["env"] = env;
                    if (!env.OfType<JsonObject>().Any(e => e.GetString("name") == CompletionIndexEnv))
                    {
                        env.Add(new JsonObject
                        {
                            ["name"] = CompletionIndexEnv,
                            ["valueFrom"] = new JsonObject
                            {
                                ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = $"metadata.annotations['{CompletionIndexKey}']" },
                            },
                        });
                    }
                }
            }

            if (spec.GetString("hostname") is not { Length: > 0 })
            {
                spec["hostname"] = FormattableString.Invariant($"{job.Name()}-{n}");
            }
        }

        if (labels.Count > 0)
        {
            meta["labels"] = labels;
        }

        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }

        var finalizers = templateMeta?["finalizers"]?.DeepClone() as JsonArray ?? [];
        finalizers.Add(TrackingFinalizer);
        meta["finalizers"] = finalizers;
        meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(job, "batch/v1", "Job"));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = spec,
        };
    }

    /// <summary>The completion index a pod carries (annotation), or null.</summary>
    public static int? IndexOf(JsonObject pod) =>
        int.TryParse(ObjectMeta.StringMap(pod.Metadata()["annotations"]).GetValueOrDefault(CompletionIndexKey), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? i : null;

    /// <summary>The name of the job that made the pod, from the label its strategy gives the template, or null.</summary>
    public static string? JobNameOf(JsonObject pod) =>
        ObjectMeta.StringMap(pod.Metadata()["labels"]).GetValueOrDefault(JobStrategy.JobNameLabel) is { Length: > 0 } name ? name : null;

    /// <summary>Whether the pod still carries the tracking finalizer (it is not counted yet).</summary>
    public static bool Tracked(JsonObject pod) => pod.Finalizers().Contains(TrackingFinalizer);

    /// <summary>When a finished pod finished: its containers' last finishedAt, else its deletion, else <paramref name="now"/>.</summary>
    public static DateTimeOffset FinishedAt(JsonObject pod, DateTimeOffset now)
    {
        var finished = (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => c["state"]?["terminated"]?["finishedAt"]?.GetValue<string>())
            .Select(Time).Where(t => t is not null).Max();
        return finished ?? Time(pod.Metadata().GetString("deletionTimestamp")) ?? now;
    }

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
