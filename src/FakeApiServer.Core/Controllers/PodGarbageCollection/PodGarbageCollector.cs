using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.PodGarbageCollection;

/// <summary>
/// kube-controller-manager's pod garbage collector ("podgc"): terminated pods (Succeeded or Failed) beyond
/// --terminated-pod-gc-threshold are deleted oldest first; pods bound to a node that has been gone for the quarantine
/// (40 s) are marked Failed with the DisruptionTarget condition (reason DeletionByPodGC, "PodGC: node no longer
/// exists") and deleted; terminating pods that were never scheduled are marked Failed and deleted. Deletes use a grace
/// period of 0. A pass runs every 20 s (upstream's gcCheckPeriod) and after pod or node changes.
/// </summary>
internal sealed partial class PodGarbageCollector(ControllerContext context) : Reconciler<string>(context, "podgc")
{
    public const int DefaultThreshold = 12_500;

    public const string FieldManager = "PodGC";

    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(40);

    private readonly int _threshold = context.TerminatedPodGcThreshold;

    /// <summary>When each missing node was first seen missing, for the quarantine.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);

    private ResourceStore Pods => Context.Catalog.Get("", "pods");

    public override Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(base.RunAsync(cancellationToken), TickAsync(cancellationToken));

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Pods.AddHandler(_ => Queue.Add(""));
        informers.Nodes.AddHandler(_ => Queue.Add(""));
    }

    protected override Task ReconcileAsync(string key, CancellationToken cancellationToken) => CollectAsync(cancellationToken);

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(CheckPeriod, Time, cancellationToken);
                Queue.Add("");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass (gc): terminated pods over the threshold, orphaned pods, unscheduled terminating pods.</summary>
    internal async Task CollectAsync(CancellationToken cancellationToken)
    {
        var pods = Informers.Pods.Lister.List();
        if (_threshold > 0)
        {
            var terminated = pods.Where(p => IsTerminated(p) && !p.HasDeletionTimestamp()).ToList();
            foreach (var pod in TerminatedToDelete(terminated, _threshold))
            {
                await DeleteAsync(pod, condition: null, cancellationToken);
            }
        }

        var nodes = Informers.Nodes.Lister.List().Select(n => n.Name()).ToHashSet(StringComparer.Ordinal);
        foreach (var name in _missingSince.Keys.Where(nodes.Contains).ToList())
        {
            _missingSince.TryRemove(name, out _);
        }

        var now = Time.GetUtcNow();
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
                RequeueAt("", since + Quarantine);
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
            Log.Deleted(Logger, ns, name);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1420, Level = LogLevel.Information, Message = "PodGC is force deleting Pod {Namespace}/{Name}")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);
    }
}
