using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Jobs;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.TtlAfterFinished;

/// <summary>
/// kube-controller-manager's ttl-after-finished controller: a finished Job (Complete or Failed) with
/// spec.ttlSecondsAfterFinished is deleted that many seconds after it finished (its completionTime, else the finishing
/// condition's lastTransitionTime), with propagationPolicy Foreground and its uid as precondition, so its pods go first.
/// </summary>
internal sealed partial class TtlAfterFinishedController : IController
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkQueue<NamespacedName> _queue;

    public TtlAfterFinishedController(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _time = context.Time;
        _logger = context.LoggerFactory.CreateLogger<TtlAfterFinishedController>();
        _queue = new WorkQueue<NamespacedName>(context.Time);
    }

    public string Name => "ttl-after-finished";

    private ResourceStore Jobs => _catalog.Get("batch", "jobs");

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ResourceInformer.RunAsync(Jobs.Definition, _store, e =>
        {
            var job = ObjectJson.Parse(e.Object!.Value);
            if (e.Type != ResourceEventType.Deleted && job["spec"]?["ttlSecondsAfterFinished"] is not null)
            {
                _queue.Add(new NamespacedName(job.Namespace(), job.Name()));
            }

            return ValueTask.CompletedTask;
        }, cancellationToken),
        _queue.RunAsync(ReconcileOrRetryAsync, cancellationToken));

    private async Task ReconcileOrRetryAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(key, cancellationToken);
        }
        catch (ApiException e)
        {
            Log.ReconcileFailed(_logger, key.Namespace, key.Name, e.Message);
            _queue.AddAfter(key, RetryDelay, cancellationToken);
        }
    }

    private async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Jobs.TryGet(key.Namespace, key.Name) is not { } stored)
        {
            return;
        }

        var job = ObjectJson.Parse(stored.Value);
        if (job.HasDeletionTimestamp() || job["spec"] is not JsonObject spec || spec.GetInt64("ttlSecondsAfterFinished") is not { } ttl
            || FinishedAt(job) is not { } finished)
        {
            return;
        }

        var expires = finished.AddSeconds(ttl);
        var now = _time.GetUtcNow();
        if (expires > now)
        {
            _queue.AddAfter(key, expires - now, cancellationToken);
            return;
        }

        try
        {
            await Jobs.DeleteAsync(key.Namespace, key.Name,
                new DeleteOptions { PropagationPolicy = DeletionPropagation.Foreground, PreconditionUid = job.Uid() }, cancellationToken);
            Log.Deleted(_logger, key.Namespace, key.Name);
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
        [LoggerMessage(EventId = 680, Level = LogLevel.Information, Message = "Job {Namespace}/{Name} could not be cleaned up yet: {Reason}")]
        public static partial void ReconcileFailed(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(EventId = 681, Level = LogLevel.Debug, Message = "Job {Namespace}/{Name} deleted after its ttlSecondsAfterFinished")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);
    }
}
