using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.NodeLifecycle;

/// <summary>
/// kube-controller-manager's node lifecycle controller ("nodelifecycle", pkg/controller/nodelifecycle): it watches
/// Nodes and their Leases in kube-node-lease and, per node:
/// <list type="bullet">
/// <item>marks a node the kubelet stopped reporting for (no new status heartbeat and no lease renewal for
/// <see cref="MonitorGracePeriod"/>, <see cref="StartupGracePeriod"/> for a node that never posted Ready) Unknown:
/// Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown with NodeStatusUnknown "Kubelet stopped posting
/// node status." (NodeStatusNeverUpdated "Kubelet never posted node status." for missing ones);</item>
/// <item>keeps the NoExecute taints in step with Ready (upstream's taint-based eviction): False →
/// node.kubernetes.io/not-ready, Unknown → node.kubernetes.io/unreachable, True → neither; with every node not Ready
/// (full disruption) it removes them instead and evicts nothing, as upstream;</item>
/// <item>keeps the NoSchedule taints in step with the conditions and spec.unschedulable (doNoScheduleTaintingPass);</item>
/// <item>sets Ready=False on the pods of a node that stops being Ready, and on pods bound to a node that is not Ready
/// (MarkPodsNotReady), with the NodeNotReady events.</item>
/// </list>
/// Upstream checks every node each --node-monitor-period (5 s); here a node is checked when it, its lease or its pods
/// change and again when its grace period runs out, so a fake clock decides exactly when. The NoExecute taints are
/// added at once (upstream's per-zone rate limiter, 0.1 nodes/s, is not simulated), and a partly disrupted zone is not
/// slowed down.
/// </summary>
internal sealed partial class NodeLifecycleController : Reconciler<string>
{
    /// <summary>The --controllers name (kube-controller-manager's alias of node-lifecycle-controller).</summary>
    public const string ControllerName = "nodelifecycle";

    /// <summary>The events' source component and the writes' field manager.</summary>
    public const string Component = "node-controller";

    /// <summary>--node-monitor-grace-period: 50 s since 1.32 (40 s before).</summary>
    public static readonly TimeSpan MonitorGracePeriod = TimeSpan.FromSeconds(50);

    /// <summary>--node-startup-grace-period.</summary>
    public static readonly TimeSpan StartupGracePeriod = TimeSpan.FromMinutes(1);

    /// <summary>Nodes with this label do not count when deciding whether every node is down.</summary>
    private const string DisruptionExclusionLabel = "node.kubernetes.io/exclude-disruption";

    private const string LeaseNamespace = "kube-node-lease";

    /// <summary>The kubelet conditions set to Unknown (NetworkUnavailable is the network provider's, left alone).</summary>
    private static readonly string[] KubeletConditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

    private readonly ConcurrentDictionary<string, NodeHealth> _health = new(StringComparer.Ordinal);

    /// <summary>The nodes this controller has registered (name → uid), for the RegisteredNode and RemovingNode events.</summary>
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    /// <summary>Pods newly bound to each node, to be marked not ready when the node is not Ready (processPod).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<NamespacedName, byte>> _boundPods = new(StringComparer.Ordinal);

    /// <summary>Nodes whose pods still have to be marked not ready (nodesToRetry).</summary>
    private readonly ConcurrentDictionary<string, byte> _markPods = new(StringComparer.Ordinal);

    private int _fullDisruption;

    public NodeLifecycleController(ControllerContext context)
        : base(context, ControllerName)
    {
    }

    private ResourceStore Nodes => Context.Catalog.Get("", "nodes");

    private ResourceStore Pods => Context.Catalog.Get("", "pods");

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Nodes.AddHandler(change => Queue.Add(change.Object.Name()));
        informers.For("coordination.k8s.io", "leases").AddHandler(change =>
        {
            if (change.Object.Namespace() == LeaseNamespace)
            {
                Queue.Add(change.Object.Name());
            }
        });
        informers.Pods.AddHandler(OnPodEvent);
    }

    private void OnPodEvent(InformerEvent change)
    {
        if (change.Type == InformerEventType.Deleted || NodeName(change.Object) is not { Length: > 0 } node
            || (change.Old is { } old && NodeName(old) == node))
        {
            return;
        }

        _boundPods.GetOrAdd(node, _ => new()).TryAdd(NamespacedName.Of(change.Object), 0);
        Queue.Add(node);
    }

    private static string? NodeName(JsonObject pod) => pod["spec"]?["nodeName"] is JsonValue v && v.TryGetValue(out string? name) ? name : null;

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (Informers.Nodes.Lister.Get(name) is not { } node)
        {
            _health.TryRemove(name, out _);
            _markPods.TryRemove(name, out _);
            _boundPods.TryRemove(name, out _);
            if (_known.TryRemove(name, out var uid))
            {
                await RecordNodeEventAsync(name, uid, "RemovingNode", $"Removing Node {name} from Controller", cancellationToken);
            }

            return;
        }

        if (_known.TryAdd(name, node.Uid() ?? ""))
        {
            Log.Registered(Logger, name);
            await RecordNodeEventAsync(name, node.Uid() ?? "", "RegisteredNode", $"Registered Node {name} in Controller", cancellationToken);
            await SwapTaintsAsync(name, [], [(NodeTaints.Unreachable, NodeTaints.NoExecute), (NodeTaints.NotReady, NodeTaints.NoExecute)], cancellationToken);
        }

        var (observed, current) = await UpdateHealthAsync(node, cancellationToken);
        if (current is not null)
        {
            await EvictByTaintsAsync(node, observed.GetString("status"), current.GetString("status"), cancellationToken);
            var wasReady = observed.GetString("status") == "True";
            var ready = current.GetString("status") == "True";
            if (wasReady && !ready)
            {
                Log.NotReady(Logger, name);
                await RecordNodeEventAsync(name, node.Uid() ?? "", "NodeNotReady", $"Node {name} status is now: NodeNotReady", cancellationToken, statusChange: true);
                _markPods[name] = 0;
            }

            if (!ready && _markPods.ContainsKey(name))
            {
                await MarkPodsNotReadyAsync(name, Informers.Pods.Lister.ByIndex(Indexers.PodsByNode, name), cancellationToken);
            }

            _markPods.TryRemove(name, out _);
            if (_boundPods.TryGetValue(name, out var bound) && !bound.IsEmpty)
            {
                var keys = bound.Keys.ToList();
                foreach (var key in keys)
                {
                    bound.TryRemove(key, out _);
                }

                if (!ready)
                {
                    await MarkPodsNotReadyAsync(name, keys.Select(k => Informers.Pods.Lister.Get(k.Namespace, k.Name)).OfType<JsonObject>(), cancellationToken);
                }
            }
        }

        await TaintNoScheduleAsync(name, cancellationToken);
    }

    /// <summary>
    /// tryUpdateNodeHealth: refreshes what is known of the node and, when its grace period has run out, writes its
    /// kubelet conditions as Unknown. Returns the Ready condition as it was observed and as it is now (null: none).
    /// </summary>
    private async Task<(JsonObject Observed, JsonObject? Current)> UpdateHealthAsync(JsonObject node, CancellationToken cancellationToken)
    {
        var name = node.Name();
        var now = Time.GetUtcNow();
        var created = ParseTime(node.Metadata().GetString("creationTimestamp")) ?? now;
        _health.TryGetValue(name, out var health);
        var current = Condition(node, "Ready");
        JsonObject observed;
        TimeSpan grace;
        if (current is null)
        {
            // Never posted: as if Unknown since creation, with the longer start-up grace period.
            var createdText = ObjectMeta.FormatTime(created);
            observed = new JsonObject { ["type"] = "Ready", ["status"] = "Unknown", ["lastHeartbeatTime"] = createdText, ["lastTransitionTime"] = createdText };
            grace = StartupGracePeriod;
            health = health is null ? new NodeHealth(created, created, null, null) : health with { Ready = null };
        }
        else
        {
            observed = (JsonObject)current.DeepClone();
            grace = MonitorGracePeriod;
            var saved = health?.Ready;
            if (health is null || saved is null)
            {
                health = new NodeHealth(now, now, observed, health?.LeaseRenewTime);
            }
            else if (saved.GetString("lastHeartbeatTime") != current.GetString("lastHeartbeatTime"))
            {
                var transition = saved.GetString("lastTransitionTime") != current.GetString("lastTransitionTime") ? now : health.ReadyTransitionTimestamp;
                health = health with { ProbeTimestamp = now, ReadyTransitionTimestamp = transition, Ready = observed };
            }
        }

        // A renewed lease is a heartbeat too; a kubelet that renews its lease but never posts status is taken as healthy.
        if (Informers.For("coordination.k8s.io", "leases").Lister.Get(LeaseNamespace, name) is { } lease
            && ParseTime(lease["spec"]?["renewTime"]?.GetValue<string>()) is { } renewed
            && (health.LeaseRenewTime is not { } savedRenew || savedRenew < renewed))
        {
            health = health with { LeaseRenewTime = renewed, ProbeTimestamp = now };
        }

        var deadline = health.ProbeTimestamp + grace;
        if (now <= deadline)
        {
            _health[name] = health;

            // Checked again just after the grace period runs out, unless a heartbeat comes first.
            RequeueAt(name, deadline + TimeSpan.FromMilliseconds(1));
            return (observed, current);
        }

        var updated = (JsonObject)node.DeepClone();
        MarkUnknown(updated, created, now);
        var newReady = Condition(updated, "Ready");
        if (!JsonNode.DeepEquals(newReady, observed))
        {
            var resourceVersion = node.ResourceVersion();
            var nodes = Nodes;
            await nodes.UpdateAsync("", name, n =>
            {
                // The node as read, so a heartbeat written meanwhile is a conflict and the node is checked again.
                n.Metadata()["resourceVersion"] = resourceVersion;
                MarkUnknown(n, created, now);
                return n;
            }, nodes.Definition.StatusStrategy!, new WriteOptions(FieldManager: Component) { Subresource = "status" }, cancellationToken);
            Log.Unknown(Logger, name, now - health.ProbeTimestamp);
            health = health with { ReadyTransitionTimestamp = now, Ready = (JsonObject?)newReady?.DeepClone() };
            _health[name] = health;
            return (observed, newReady);
        }

        _health[name] = health;
        return (observed, current);
    }

    /// <summary>Sets the kubelet's conditions Unknown (adding those it never posted), as a kubelet that went silent.</summary>
    private static void MarkUnknown(JsonObject node, DateTimeOffset created, DateTimeOffset now)
    {
        var status = node.ChildObject("status");
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        foreach (var type in KubeletConditionTypes)
        {
            var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);
            if (condition is null)
            {
                conditions.Add(new JsonObject
                {
                    ["type"] = type,
                    ["status"] = "Unknown",
                    ["lastHeartbeatTime"] = ObjectMeta.FormatTime(created),
                    ["lastTransitionTime"] = ObjectMeta.FormatTime(now),
                    ["reason"] = "NodeStatusNeverUpdated",
                    ["message"] = "Kubelet never posted node status.",
                });
            }
            else if (condition.GetString("status") != "Unknown")
            {
                condition["status"] = "Unknown";
                condition["reason"] = "NodeStatusUnknown";
                condition["message"] = "Kubelet stopped posting node status.";
                condition["lastTransitionTime"] = ObjectMeta.FormatTime(now);
            }
        }
    }

    /// <summary>
    /// processTaintBaseEviction, on the Ready status observed before this pass: not-ready or unreachable NoExecute
    /// (the two exclude each other), or neither when Ready, or when every node is down (full disruption).
    /// </summary>
    private async Task EvictByTaintsAsync(JsonObject node, string? observed, string? current, CancellationToken cancellationToken)
    {
        var name = node.Name();
        var notReady = (NodeTaints.NotReady, NodeTaints.NoExecute);
        var unreachable = (NodeTaints.Unreachable, NodeTaints.NoExecute);
        if (FullDisruption(name, current))
        {
            await SwapTaintsAsync(name, [], [notReady, unreachable], cancellationToken);
            return;
        }

        switch (observed)
        {
            case "False":
                await SwapTaintsAsync(name, [notReady], [unreachable], cancellationToken);
                break;
            case "Unknown":
                await SwapTaintsAsync(name, [unreachable], [notReady], cancellationToken);
                break;
            case "True":
                await SwapTaintsAsync(name, [], [notReady, unreachable], cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Whether no node (but those labelled node.kubernetes.io/exclude-disruption) is Ready, which upstream takes for a
    /// control-plane network problem rather than dead nodes. Entering or leaving that state checks every node again;
    /// leaving it gives every node a fresh grace period, as upstream.
    /// </summary>
    private bool FullDisruption(string name, string? current)
    {
        var counted = Informers.Nodes.Lister.List().Where(n => !n.Labels().ContainsKey(DisruptionExclusionLabel)).ToList();
        var all = counted.Count > 0 && counted.All(n => (n.Name() == name ? current : Condition(n, "Ready")?.GetString("status")) != "True");
        var was = Interlocked.Exchange(ref _fullDisruption, all ? 1 : 0) == 1;
        if (all != was)
        {
            if (all)
            {
                Log.EnteringFullDisruption(Logger);
            }
            else
            {
                Log.LeavingFullDisruption(Logger);
                var now = Time.GetUtcNow();
                foreach (var (node, health) in _health)
                {
                    _health[node] = health with { ProbeTimestamp = now, ReadyTransitionTimestamp = now };
                }
            }

            foreach (var other in counted.Where(n => n.Name() != name))
            {
                Queue.Add(other.Name());
            }
        }

        return all;
    }

    /// <summary>doNoScheduleTaintingPass: the condition taints and the unschedulable taint, NoSchedule, as the node's state says.</summary>
    private async Task TaintNoScheduleAsync(string name, CancellationToken cancellationToken)
    {
        if (Nodes.TryGet("", name) is not { } stored)
        {
            return;
        }

        var node = ObjectJson.Parse(stored.Value);
        var wanted = NodeTaints.WantedNoSchedule(node);
        var present = NodeTaints.ManagedNoSchedule(node);
        var add = wanted.Except(present, StringComparer.Ordinal).Select(k => (k, NodeTaints.NoSchedule)).ToList();
        var remove = present.Except(wanted, StringComparer.Ordinal).Select(k => (k, NodeTaints.NoSchedule)).ToList();
        if (add.Count > 0 || remove.Count > 0)
        {
            await SwapTaintsAsync(name, add, remove, cancellationToken);
        }
    }

    /// <summary>Adds and removes taints on the newest node when that changes anything (no write otherwise).</summary>
    private async Task SwapTaintsAsync(
        string name, IReadOnlyList<(string Key, string Effect)> add, IReadOnlyList<(string Key, string Effect)> remove, CancellationToken cancellationToken)
    {
        var nodes = Nodes;
        if (nodes.TryGet("", name) is not { } stored || !NodeTaints.Swap(ObjectJson.Parse(stored.Value), add, remove, Time.GetUtcNow()))
        {
            return;
        }

        try
        {
            await nodes.UpdateAsync("", name, n =>
            {
                n.Metadata().Remove("resourceVersion");
                NodeTaints.Swap(n, add, remove, Time.GetUtcNow());
                return n;
            }, nodes.Definition.Strategy, new WriteOptions(FieldManager: Component), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }

    /// <summary>MarkPodsNotReady: Ready=False on each pod bound to the node that shows Ready otherwise, with a NodeNotReady event.</summary>
    private async Task MarkPodsNotReadyAsync(string nodeName, IEnumerable<JsonObject> pods, CancellationToken cancellationToken)
    {
        var store = Pods;
        foreach (var pod in pods)
        {
            if (NodeName(pod) != nodeName || Condition(pod, "Ready") is not { } ready || ready.GetString("status") == "False")
            {
                continue;
            }

            var uid = pod.Uid();
            try
            {
                var written = await store.UpdateAsync(pod.Namespace(), pod.Name(), p =>
                {
                    p.Metadata().Remove("resourceVersion");
                    if (p.Uid() != uid)
                    {
                        throw ApiException.ConflictWith(store.Definition.GroupResource, pod.Name(), "the pod was replaced");
                    }

                    if (Condition(p, "Ready") is { } condition && condition.GetString("status") != "False")
                    {
                        condition["status"] = "False";
                        condition["lastTransitionTime"] = ObjectMeta.FormatTime(Time.GetUtcNow());
                    }

                    return p;
                }, store.Definition.StatusStrategy!, new WriteOptions(FieldManager: Component) { Subresource = "status" }, cancellationToken);
                await Context.Events.RecordAsync(ObjectJson.Parse(written.Value), "Warning", "NodeNotReady", "Node is not ready", Component, cancellationToken);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted meanwhile.
            }
        }
    }

    /// <summary>An event about a node (RecordNodeEvent / RecordNodeStatusChange), kept in the default namespace.</summary>
    private Task RecordNodeEventAsync(string name, string uid, string reason, string what, CancellationToken cancellationToken, bool statusChange = false)
    {
        var reference = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = uid },
        };
        var message = statusChange ? what : $"Node {name} event: {what}";
        return Context.Events.RecordAsync(reference, "Normal", reason, message, Component, cancellationToken);
    }

    private static JsonObject? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1440, Level = LogLevel.Debug, Message = "Controller observed a new Node {Node}")]
        public static partial void Registered(ILogger logger, string node);

        [LoggerMessage(EventId = 1441, Level = LogLevel.Information, Message = "Node {Node} hasn't been updated for {Duration}: its conditions are now Unknown")]
        public static partial void Unknown(ILogger logger, string node, TimeSpan duration);

        [LoggerMessage(EventId = 1442, Level = LogLevel.Information, Message = "Node {Node} is not ready: marking its pods not ready")]
        public static partial void NotReady(ILogger logger, string node);

        [LoggerMessage(EventId = 1443, Level = LogLevel.Information, Message = "Controller detected that all Nodes are not-Ready. Entering master disruption mode")]
        public static partial void EnteringFullDisruption(ILogger logger);

        [LoggerMessage(EventId = 1444, Level = LogLevel.Information, Message = "Controller detected that some Nodes are Ready. Exiting master disruption mode")]
        public static partial void LeavingFullDisruption(ILogger logger);
    }
}
