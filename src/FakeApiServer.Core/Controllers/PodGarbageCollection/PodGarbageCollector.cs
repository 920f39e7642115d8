using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.PodGarbageCollection;

/// <summary>
/// kube-controller-manager's pod garbage collector ("podgc"): terminated pods (Succeeded or Failed) beyond
/// --terminated-pod-gc-threshold are deleted oldest first; pods bound to a node that has been gone for the quarantine
/// (40 s) are marked Failed with the DisruptionTarget condition (reason DeletionByPodGC, "PodGC: node no longer
/// exists") and deleted; terminating pods that were never scheduled are marked Failed and deleted. Deletes use a grace
/// period of 0. A pass runs every 20 s (upstream's gcCheckPeriod) and after pod or node changes.
/// </summary>
internal sealed partial class PodGarbageCollector : IController
{
    public const int DefaultThreshold = 12_500;

    public const string FieldManager = "PodGC";

    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(40);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _threshold;
    private readonly WorkQueue<string> _queue;

    /// <summary>When each missing node was first seen missing, for the quarantine.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);

    public PodGarbageCollector(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _time = context.Time;
        _logger = context.LoggerFactory.CreateLogger<PodGarbageCollector>();
        _threshold = context.TerminatedPodGcThreshold;
        _queue = new WorkQueue<string>(context.Time);
    }

    public string Name => "podgc";

    private ResourceStore Pods => _catalog.Get("", "pods");

    private ResourceStore Nodes => _catalog.Get("", "nodes");

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ResourceInformer.RunAsync(Pods.Definition, _store, _ => Trigger(), cancellationToken),
        ResourceInformer.RunAsync(Nodes.Definition, _store, _ => Trigger(), cancellationToken),
        TickAsync(cancellationToken),
        _queue.RunAsync(CollectOrRetryAsync, cancellationToken));

    private ValueTask Trigger()
    {
        _queue.Add("");
        return ValueTask.CompletedTask;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(CheckPeriod, _time, cancellationToken);
                _queue.Add("");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CollectOrRetryAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await CollectAsync(cancellationToken);
        }
        catch (ApiException e)
        {
            Log.PassFailed(_logger, e.Message);
            _queue.AddAfter(key, TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>One pass (gc): terminated pods over the threshold, orphaned pods, unscheduled terminating pods.</summary>
    internal async Task CollectAsync(CancellationToken cancellationToken)
    {
        var pods = _store.Latest.Range(Pods.Definition.KeyPrefix).Select(p => ObjectJson.Parse(p.Value)).ToList();
        if (_threshold > 0)
        {
            var terminated = pods.Where(p => IsTerminated(p) && !p.HasDeletionTimestamp()).ToList();
            foreach (var pod in TerminatedToDelete(terminated, _threshold))
            {
                await DeleteAsync(pod, condition: null, cancellationToken);
            }
        }

        var nodes = _store.Latest.Range(Nodes.Definition.KeyPrefix).Select(n => ObjectJson.Parse(n.Value).Name()).ToHashSet(StringComparer.Ordinal);
        foreach (var name in _missingSince.Keys.Where(nodes.Contains).ToList())
        {
            _missingSince.TryRemove(name, out _);
        }

        var now = _time.GetUtcNow();
        foreach (var pod in pods)
        {
            var nodeName = pod["spec"]?["nodeName"]?.GetValue<string>();
            if (string.IsNullOrEmpty(nodeName))
            {
                if (pod.HasDeletionTimestamp())
                {
                    await DeleteAsync(pod, condition: null, cancellationToken);
                }

                continue;
            }

            if (nodes.Contains(nodeName))
            {
                continue;
            }

            var since = _missingSince.GetOrAdd(nodeName, now);
            if (now - since < Quarantine)
            {
                _queue.AddAfter("", Quarantine - (now - since), cancellationToken);
                continue;
            }

            await DeleteAsync(pod, new JsonObject
            {
                ["type"] = "DisruptionTarget",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = ObjectMeta.FormatTime(now),
                ["reason"] = "DeletionByPodGC",
                ["message"] = "PodGC: node no longer exists",
            }, cancellationToken);
        }
    }

    /// <summary>The terminated pods beyond <paramref name="threshold"/>, oldest creation first (ties by namespace and name).</summary>
    public static IEnumerable<JsonObject> TerminatedToDelete(IReadOnlyCollection<JsonObject> terminated, int threshold) =>
        terminated.Count <= threshold
            ? []
            : terminated
                .OrderBy(p => p.Metadata().GetString("creationTimestamp"), StringComparer.Ordinal)
                .ThenBy(p => p.Namespace(), StringComparer.Ordinal)
                .ThenBy(p => p.Name(), StringComparer.Ordinal)
                .Take(terminated.Count - threshold);

    private static bool IsTerminated(JsonObject pod) => pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed";

    /// <summary>markFailedAndDeletePodWithCondition: a pod not yet terminal becomes Failed (with the condition), then goes.</summary>
    private async Task DeleteAsync(JsonObject pod, JsonObject? condition, CancellationToken cancellationToken)
    {
        var ns = pod.Namespace();
        var name = pod.Name();
        try
        {
            if (!IsTerminated(pod))
            {
                await Pods.UpdateAsync(ns, name, p =>
                {
                    p.Metadata().Remove("resourceVersion");
                    var status = p["status"] as JsonObject ?? [];
                    status["phase"] = "Failed";
                    if (condition is not null)
                    {
                        var conditions = status["conditions"] as JsonArray ?? [];
                        foreach (var old in conditions.OfType<JsonObject>().Where(c => c.GetString("type") == condition.GetString("type")).ToList())
                        {
                            conditions.Remove(old);
                        }

                        conditions.Add(condition.DeepClone());
                        status["conditions"] = conditions;
                    }

                    p["status"] = status;
                    return p;
                }, Pods.Definition.StatusStrategy!, new WriteOptions(FieldManager: FieldManager) { Subresource = "status" }, cancellationToken);
            }

            await Pods.DeleteAsync(ns, name, new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = pod.Uid() }, cancellationToken);
            Log.Deleted(_logger, ns, name);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1420, Level = LogLevel.Information, Message = "PodGC is force deleting Pod {Namespace}/{Name}")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);

        [LoggerMessage(EventId = 1421, Level = LogLevel.Information, Message = "Pod garbage collection failed, retrying: {Reason}")]
        public static partial void PassFailed(ILogger logger, string reason);
    }
}
