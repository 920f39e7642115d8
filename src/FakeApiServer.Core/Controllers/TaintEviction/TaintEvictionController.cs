using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.NodeLifecycle;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Controllers.Scheduling;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.TaintEviction;

/// <summary>
/// kube-controller-manager's taint-eviction-controller (pkg/controller/tainteviction, the NoExecute taint manager): a
/// pod bound to a node with NoExecute taints it does not all tolerate is deleted at once; one that tolerates them all
/// is deleted when the shortest tolerationSeconds of the tolerations used runs out, counted from when this controller
/// saw the taint (DefaultTolerationSeconds gives pods 300 s for not-ready and unreachable); a toleration without
/// tolerationSeconds tolerates for ever. The deletion is announced by a TaintManagerEviction event ("Marking for
/// deletion Pod ns/name"), marked by the DisruptionTarget condition (DeletionByTaintManager) and made with the pod's
/// own grace period. A scheduled deletion is cancelled ("Cancelling deletion of Pod ns/name") when the taints go or
/// the pod comes to tolerate them. Time is the <see cref="TimeProvider"/>'s.
/// </summary>
internal sealed partial class TaintEvictionController(ControllerContext context) : Reconciler<NamespacedName>(context, ControllerName)
{
    /// <summary>The --controllers name, also the events' source component.</summary>
    public const string ControllerName = "taint-eviction-controller";

    public const string EvictionReason = "TaintManagerEviction";

    /// <summary>The deletions scheduled (or made) per pod (upstream's TimedWorkerQueue).</summary>
    private readonly ConcurrentDictionary<NamespacedName, ScheduledEviction> _scheduled = new();

    private ResourceStore Pods => Context.Catalog.Get("", "pods");

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Pods.AddHandler(change =>
        {
            if (change.Type == InformerEventType.Modified && change.Old is { } old
                && NodeName(old) == NodeName(change.Object) && JsonNode.DeepEquals(old["spec"]?["tolerations"], change.Object["spec"]?["tolerations"]))
            {
                return;
            }

            Queue.Add(NamespacedName.Of(change.Object));
        });
        informers.Nodes.AddHandler(change =>
        {
            if (change.Type == InformerEventType.Modified && change.Old is { } old
                && NoExecuteTaints(old).Select(t => t.ToJsonString()).SequenceEqual(NoExecuteTaints(change.Object).Select(t => t.ToJsonString()), StringComparer.Ordinal))
            {
                return;
            }

            foreach (var pod in Informers.Pods.Lister.ByIndex(Indexers.PodsByNode, change.Object.Name()))
            {
                Queue.Add(NamespacedName.Of(pod));
            }
        });
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Informers.Pods.Lister.Get(key.Namespace, key.Name) is not { } pod)
        {
            if (_scheduled.TryRemove(key, out var gone) && !gone.Fired)
            {
                await RecordAsync(key, "Cancelling deletion of Pod " + key, cancellationToken);
            }

            return;
        }

        if (NodeName(pod) is not { Length: > 0 } nodeName || Informers.Nodes.Lister.Get(nodeName) is not { } node)
        {
            // Unscheduled, or the node is gone (the pod garbage collector's business).
            return;
        }

        var taints = NoExecuteTaints(node);
        if (taints.Count == 0)
        {
            await CancelAsync(key, cancellationToken);
            return;
        }

        var now = Time.GetUtcNow();
        var used = MatchingTolerations(pod, taints);
        if (used is null)
        {
            // A taint it does not tolerate: deleted right away.
            await CancelAsync(key, cancellationToken);
            await EvictAsync(key, pod, now, cancellationToken);
            return;
        }

        if (MinTolerationTime(used) is not { } tolerated)
        {
            await CancelAsync(key, cancellationToken);
            return;
        }

        if (!_scheduled.TryGetValue(key, out var scheduled) || scheduled.Uid != pod.Uid())
        {
            scheduled = new ScheduledEviction(pod.Uid(), now, now + tolerated, Fired: false);
            _scheduled[key] = scheduled;
            Log.Scheduled(Logger, key.Namespace, key.Name, scheduled.FireAt);
        }

        if (scheduled.Fired)
        {
            return;
        }

        if (scheduled.FireAt <= now)
        {
            await EvictAsync(key, pod, scheduled.CreatedAt, cancellationToken);
        }
        else
        {
            RequeueAt(key, scheduled.FireAt);
        }
    }

    /// <summary>Drops a deletion scheduled but not yet made, with the event that says so.</summary>
    private async Task CancelAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (_scheduled.TryGetValue(key, out var scheduled) && !scheduled.Fired && _scheduled.TryRemove(KeyValuePair.Create(key, scheduled)))
        {
            await RecordAsync(key, "Cancelling deletion of Pod " + key, cancellationToken);
        }
    }

    /// <summary>The event, then DisruptionTarget on the pod's status, then the delete with the pod's own grace period.</summary>
    private async Task EvictAsync(NamespacedName key, JsonObject pod, DateTimeOffset since, CancellationToken cancellationToken)
    {
        Log.Deleting(Logger, key.Namespace, key.Name);
        await RecordAsync(key, "Marking for deletion Pod " + key, cancellationToken);
        var pods = Pods;
        var uid = pod.Uid();
        try
        {
            await pods.UpdateAsync(key.Namespace, key.Name, p =>
            {
                p.Metadata().Remove("resourceVersion");
                if (p.Uid() != uid)
                {
                    throw ApiException.ConflictWith(pods.Definition.GroupResource, key.Name, "the pod was replaced");
                }

                SetDisruptionTarget(p, Time.GetUtcNow());
                return p;
            }, pods.Definition.StatusStrategy!, new WriteOptions(FieldManager: ControllerName) { Subresource = "status" }, cancellationToken);
            await pods.DeleteAsync(key.Namespace, key.Name, new DeleteOptions { PreconditionUid = uid }, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone already, or another pod of that name now.
        }

        _scheduled[key] = new ScheduledEviction(uid, since, Time.GetUtcNow(), Fired: true);
    }

    /// <summary>UpdatePodCondition with DisruptionTarget=True: a new lastTransitionTime only when the status changes.</summary>
    private static void SetDisruptionTarget(JsonObject pod, DateTimeOffset now)
    {
        var status = pod.ChildObject("status");
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "DisruptionTarget");
        var transition = existing is not null && existing.GetString("status") == "True" ? existing["lastTransitionTime"]?.DeepClone() : ObjectMeta.FormatTime(now);
        var condition = new JsonObject
        {
            ["type"] = "DisruptionTarget",
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = transition,
            ["reason"] = "DeletionByTaintManager",
            ["message"] = "Taint manager: deleting due to NoExecute taint",
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
    }

    /// <summary>A Normal TaintManagerEviction event about the pod (referenced by name, as upstream).</summary>
    private Task RecordAsync(NamespacedName key, string message, CancellationToken cancellationToken)
    {
        var reference = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = key.Name, ["namespace"] = key.Namespace },
        };
        return Context.Events.RecordAsync(reference, "Normal", EvictionReason, message, ControllerName, cancellationToken);
    }

    /// <summary>
    /// GetMatchingTolerations: for each taint the first toleration that tolerates it; null when one taint is not
    /// tolerated.
    /// </summary>
    private static List<JsonObject>? MatchingTolerations(JsonObject pod, List<JsonObject> taints)
    {
        var tolerations = (pod["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var used = new List<JsonObject>();
        foreach (var taint in taints)
        {
            if (tolerations.FirstOrDefault(t => Tolerations.Tolerates(t, taint)) is not { } toleration)
            {
                return null;
            }

            used.Add(toleration);
        }

        return used;
    }

    /// <summary>getMinTolerationTime: the shortest tolerationSeconds (≤ 0: none), zero without tolerations, null for ever.</summary>
    private static TimeSpan? MinTolerationTime(List<JsonObject> used)
    {
        if (used.Count == 0)
        {
            return TimeSpan.Zero;
        }

        long? min = null;
        foreach (var seconds in used.Select(t => t.GetInt64("tolerationSeconds")).OfType<long>())
        {
            if (seconds <= 0)
            {
                return TimeSpan.Zero;
            }

            min = min is null ? seconds : Math.Min(min.Value, seconds);
        }

        return min is null ? null : TimeSpan.FromSeconds(min.Value);
    }

    private static List<JsonObject> NoExecuteTaints(JsonObject node) => NodeTaints.Of(node).Where(t => t.GetString("effect") == NodeTaints.NoExecute).ToList();

    private static string? NodeName(JsonObject pod) => pod["spec"]?["nodeName"] is JsonValue v && v.TryGetValue(out string? name) ? name : null;

    /// <summary>A deletion of the pod with uid <paramref name="Uid"/> noticed at <paramref name="CreatedAt"/>, due at <paramref name="FireAt"/>.</summary>
    private sealed record ScheduledEviction(string? Uid, DateTimeOffset CreatedAt, DateTimeOffset FireAt, bool Fired);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1450, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name} tolerates its node's NoExecute taints until {Due}")]
        public static partial void Scheduled(ILogger logger, string @namespace, string name, DateTimeOffset due);

        [LoggerMessage(EventId = 1451, Level = LogLevel.Information, Message = "Deleting pod {Namespace}/{Name} for a NoExecute taint")]
        public static partial void Deleting(ILogger logger, string @namespace, string name);
    }
}
