using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Batch.Jobs;

/// <summary>
/// batch/v1 SetDefaults_Job and the JobSpec conversion: completions and parallelism 1 when both are unset (parallelism 1
/// alone otherwise), backoffLimit 6 (MaxInt32 with backoffLimitPerIndex), completionMode NonIndexed, suspend false,
/// manualSelector false, podReplacementPolicy TerminatingOrFailed (Failed with a podFailurePolicy), pod failure policy
/// condition status True, the job's labels from its template's when it has none; the template's pod spec as every pod spec.
/// </summary>
internal static class JobDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        ApplySpec(spec);
        CopyTemplateLabels(obj);
    });

    /// <summary>The spec defaults, shared with a CronJob's jobTemplate.</summary>
    public static void ApplySpec(JsonObject spec)
    {
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
        }

        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= spec["backoffLimitPerIndex"] is null ? 6 : int.MaxValue;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["manualSelector"] ??= false;
        spec["podReplacementPolicy"] ??= spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed";
        foreach (var rule in (spec["podFailurePolicy"]?["rules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var pattern in (rule["onPodConditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                pattern["status"] ??= "True";
            }
        }

        PodDefaults.ApplyTemplate(spec["template"]);
    }

    /// <summary>A job without labels takes its template's (SetDefaults_Job).</summary>
    public static void CopyTemplateLabels(JsonObject job)
    {
        if (job["spec"]?["template"]?["metadata"]?["labels"] is JsonObject { Count: > 0 } labels
            && job.Metadata()["labels"] is not JsonObject { Count: > 0 })
        {
            job.Metadata()["labels"] = labels.DeepClone();
        }
    }
}
