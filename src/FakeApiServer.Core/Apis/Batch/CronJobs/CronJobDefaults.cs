using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Batch.CronJobs;

/// <summary>
/// batch/v1 SetDefaults_CronJob: concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3,
/// failedJobsHistoryLimit 1; the job template's pod spec as every pod spec (its job spec gets no Job defaults, as upstream).
/// </summary>
internal static class CronJobDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["concurrencyPolicy"] ??= "Allow";
        spec["suspend"] ??= false;
        spec["successfulJobsHistoryLimit"] ??= 3;
        spec["failedJobsHistoryLimit"] ??= 1;
        PodDefaults.ApplyTemplate(spec["jobTemplate"]?["spec"]?["template"]);
    });
}
