using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Jobs;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.TtlAfterFinished;

/// <summary>
/// kube-controller-manager's ttl-after-finished controller: a finished Job (Complete or Failed) with
/// spec.ttlSecondsAfterFinished is deleted that many seconds after it finished (its completionTime, else the finishing
/// condition's lastTransitionTime), with propagationPolicy Foreground and its uid as precondition, so its pods go first.
/// </summary>
internal sealed partial class TtlAfterFinishedController(ControllerContext context) : Reconciler<NamespacedName>(context, "ttl-after-finished")
{
    private ResourceStore Jobs => Context.Catalog.Get("batch", "jobs");

    private SharedInformer JobInformer => Informers.For("batch", "jobs");

    protected override void Watch(SharedInformerFactory informers) => JobInformer.AddHandler(e =>
    {
        if (e.Type != InformerEventType.Deleted && e.Object["spec"]?["ttlSecondsAfterFinished"] is not null)
        {
            Queue.Add(NamespacedName.Of(e.Object));
        }
    });

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (JobInformer.Lister.Get(key.Namespace, key.Name) is not { } job)
        {
            return;
        }

        if (job.HasDeletionTimestamp() || job["spec"] is not JsonObject spec || spec.GetInt64("ttlSecondsAfterFinished") is not { } ttl
            || FinishedAt(job) is not { } finished)
        {
            return;
        }

        var expires = finished.AddSeconds(ttl);
        var now = Time.GetUtcNow();
        if (expires > now)
        {
            RequeueAt(key, expires);
            return;
        }

        try
        {
            await Jobs.DeleteAsync(key.Namespace, key.Name,
                new DeleteOptions { PropagationPolicy = DeletionPropagation.Foreground, PreconditionUid = job.Uid() }, cancellationToken);
            Log.Deleted(Logger, key.Namespace, key.Name);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone, or another job of that name now.
        }
    }

    /// <summary>When the job finished: completionTime, else the Complete or Failed condition's lastTransitionTime; null while it runs.</summary>
    internal static DateTimeOffset? FinishedAt(JsonObject job)
    {
        var status = job["status"] as JsonObject;
        var condition = JobConditions.True(status, JobConditions.Complete) ?? JobConditions.True(status, JobConditions.Failed);
        if (condition is null)
        {
            return null;
        }

        var text = status?.GetString("completionTime") ?? condition.GetString("lastTransitionTime");
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 681, Level = LogLevel.Debug, Message = "Job {Namespace}/{Name} deleted after its ttlSecondsAfterFinished")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);
    }
}
