using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Controllers.PersistentVolumes;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// The simulated kube-scheduler: binds pending pods that name no node (schedulerName default-scheduler) through the
/// same registry write as pods/binding. With the MultiNetwork gate on, the <see cref="PodNetworkPrefilter"/> runs
/// first; then <see cref="NodeFilters"/> on every node; of the nodes that fit, the one with the fewest pods wins (ties
/// by name). A pod that fits nowhere gets PodScheduled=False/Unschedulable with upstream's aggregated message through
/// pods/status and a FailedScheduling event; it is tried again when a node changes in a way that matters for
/// scheduling, a pod goes (or finishes), or a PodNetwork or PodNetworkAttachment changes.
/// </summary>
internal sealed partial class Scheduler : IController
{
    public const string SchedulerName = "default-scheduler";

    /// <summary>How long to wait before trying a pod again after a failed write.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>How long to wait before trying a pod again after a bug, so a failing pod does not spin.</summary>
    private static readonly TimeSpan BugRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly FeatureGates _gates;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly WorkQueue<(string Namespace, string Name)> _queue;

    /// <summary>The revision of this scheduler's last status write per pod, so its own write does not queue the pod again.</summary>
    private readonly ConcurrentDictionary<(string, string), long> _written = new();

    /// <summary>What each node's scheduling-relevant part was last seen as, so heartbeats do not retry every pod.</summary>
    private readonly ConcurrentDictionary<string, string> _nodeFingerprints = new(StringComparer.Ordinal);

    public Scheduler(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _time = context.Time;
        _gates = context.FeatureGates;
        _events = context.Events;
        _logger = context.LoggerFactory.CreateLogger<Scheduler>();
        _queue = new WorkQueue<(string, string)>(context.Time);
    }

    public string Name => "scheduler";

    private ResourceStore Pods => _catalog.Get("", "pods");

    private ResourceStore Claims => _catalog.Get("", "persistentvolumeclaims");

    private ResourceStore Volumes => _catalog.Get("", "persistentvolumes");

    private bool MultiNetwork => _gates.Enabled(FeatureName.MultiNetwork);

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>
        {
            ResourceInformer.RunAsync(Pods.Definition, _store, OnPodEvent, cancellationToken),
            ResourceInformer.RunAsync(_catalog.Get("", "nodes").Definition, _store, OnNodeEvent, cancellationToken),

            // A claim that binds (or appears) lets a pod waiting on it go on.
            ResourceInformer.RunAsync(Claims.Definition, _store, _ => RequeuePending(), cancellationToken),
            _queue.RunAsync(ReconcileAsync, cancellationToken),
        };
        if (MultiNetwork)
        {
            foreach (var plural in new[] { "podnetworks", "podnetworkattachments" })
            {
                if (_catalog.All.FirstOrDefault(s => s.Definition.Group == "networking.k8s.io" && s.Definition.Plural == plural) is { } networks)
                {
                    running.Add(ResourceInformer.RunAsync(networks.Definition, _store, _ => RequeuePending(), cancellationToken));
                }
            }
        }

        return Task.WhenAll(running);
    }

    private ValueTask OnPodEvent(ResourceEvent change)
    {
        var pod = ObjectJson.Parse(change.Object!.Value);
        var key = (pod.Namespace(), pod.Name());
        if (change.Type == ResourceEventType.Deleted)
        {
            _written.TryRemove(key, out _);
            return RequeuePending();
        }

        if (IsPending(pod))
        {
            if (!_written.TryGetValue(key, out var revision) || revision != change.Object.Revision)
            {
                _queue.Add(key);
            }
        }
        else if (pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
        {
            // A finished pod frees its node's resources.
            return RequeuePending();
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnNodeEvent(ResourceEvent change)
    {
        var node = ObjectJson.Parse(change.Object!.Value);
        if (change.Type == ResourceEventType.Deleted)
        {
            _nodeFingerprints.TryRemove(node.Name(), out _);
            return RequeuePending();
        }

        var fingerprint = new JsonArray(
            node.Metadata()["labels"]?.DeepClone(),
            node["spec"]?.DeepClone(),
            node["status"]?["allocatable"]?.DeepClone()).ToJsonString();
        if (_nodeFingerprints.TryGetValue(node.Name(), out var seen) && seen == fingerprint)
        {
            return ValueTask.CompletedTask;
        }

        _nodeFingerprints[node.Name()] = fingerprint;
        return RequeuePending();
    }

    private ValueTask RequeuePending()
    {
        foreach (var item in _store.Latest.Range(Pods.Definition.KeyPrefix))
        {
            var pod = ObjectJson.Parse(item.Value);
            if (IsPending(pod))
            {
                _queue.Add((pod.Namespace(), pod.Name()));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A pod this scheduler places: no node, our scheduler name, not being deleted, not finished.</summary>
    private static bool IsPending(JsonObject pod) =>
        pod["spec"] is JsonObject spec && string.IsNullOrEmpty(spec.GetString("nodeName"))
        && (spec.GetString("schedulerName") ?? SchedulerName) == SchedulerName
        && !pod.HasDeletionTimestamp()
        && pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed");

    private async Task ReconcileAsync((string Namespace, string Name) key, CancellationToken cancellationToken)
    {
        try
        {
            await ScheduleAsync(key.Namespace, key.Name, cancellationToken);
        }
        catch (ApiException e)
        {
            Log.ScheduleFailed(_logger, key.Namespace, key.Name, e.Message);
            _queue.AddAfter(key, RetryDelay, cancellationToken);
        }
#pragma warning disable CA1031 // One pod's bug must not stop scheduling every pod: logged as a bug, retried later.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.ScheduleBug(_logger, key.Namespace, key.Name, e);
            _queue.AddAfter(key, BugRetryDelay, cancellationToken);
        }
    }

    /// <summary>Places one pod, or records why it cannot be placed; idempotent.</summary>
    internal async Task ScheduleAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var pods = Pods;
        if (pods.TryGet(ns, name) is not { } stored || ObjectJson.Parse(stored.Value) is not { } pod || !IsPending(pod))
        {
            return;
        }

        var nodes = _store.Latest.Range(_catalog.Get("", "nodes").Definition.KeyPrefix).Select(n => ObjectJson.Parse(n.Value))
            .OrderBy(n => n.Name(), StringComparer.Ordinal).ToList();
        var preFilterMessage = MultiNetwork ? PodNetworkPrefilter.Check(pod, ReadPodNetwork, ReadAttachment) : null;
        var volumeBinding = VolumeBinding.PreFilter(pod, ReadClaim, ReadStorageClass);
        preFilterMessage ??= volumeBinding.PreFilterMessage;
        var reasons = new List<string>();
        JsonObject? chosen = null;
        var chosenLoad = int.MaxValue;
        var volumes = volumeBinding.AllBound ? [] : AllVolumes();
        if (preFilterMessage is null)
        {
            var assigned = AssignedPods();
            foreach (var node in nodes)
            {
                var onNode = assigned.TryGetValue(node.Name(), out var list) ? list : [];
                var nodeReasons = NodeFilters.Filter(pod, node, onNode);
                if (nodeReasons.Count == 0)
                {
                    nodeReasons = volumeBinding.Filter(node, ReadVolume, volumes);
                }

                reasons.AddRange(nodeReasons);
                if (nodeReasons.Count == 0 && onNode.Count < chosenLoad)
                {
                    chosen = node;
                    chosenLoad = onNode.Count;
                }
            }
        }

        if (chosen is null)
        {
            var message = nodes.Count == 0 && preFilterMessage is null
                ? "no nodes available to schedule pods"
                : NodeFilters.FitError(nodes.Count, preFilterMessage, reasons);
            await MarkUnschedulableAsync(pods, pod, message, cancellationToken);
            return;
        }

        if (!volumeBinding.AllBound)
        {
            // PreBind: the claims get their volume or selected node; the pod is placed once the PV controller bound them.
            await BindVolumesAsync(volumeBinding, chosen, volumes, cancellationToken);
            return;
        }

        StoredObject bound;
        var nodeName = chosen.Name();
        try
        {
            bound = await PodBinding.BindAsync(pods, ns, name, nodeName, _time, new WriteOptions { Subresource = "binding" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Deleted, bound by someone else, or being deleted meanwhile: nothing left to place.
            return;
        }

        Log.Scheduled(_logger, ns, name, nodeName);
        await _events.RecordAsync(ObjectJson.Parse(bound.Value), "Normal", "Scheduled",
            $"Successfully assigned {ns}/{name} to {nodeName}", SchedulerName, cancellationToken);
    }

    private async Task MarkUnschedulableAsync(ResourceStore pods, JsonObject pod, string message, CancellationToken cancellationToken)
    {
        var key = (Namespace: pod.Namespace(), Name: pod.Name());
        var current = (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "PodScheduled");
        if (current?.GetString("status") != "False" || current.GetString("reason") != "Unschedulable" || current.GetString("message") != message)
        {
            var now = ObjectMeta.FormatTime(_time.GetUtcNow());
            var written = await pods.UpdateAsync(pod.Namespace(), pod.Name(), p =>
            {
                p.Metadata().Remove("resourceVersion");
                if (!IsPending(p))
                {
                    return p;
                }

                var status = p["status"] as JsonObject ?? [];
                var conditions = status["conditions"] as JsonArray ?? [];
                var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "PodScheduled");
                var transition = existing?.GetString("status") == "False" ? existing.GetString("lastTransitionTime") ?? now : now;
                if (existing is not null)
                {
                    conditions.Remove(existing);
                }

                conditions.Add(new JsonObject
                {
                    ["type"] = "PodScheduled",
                    ["status"] = "False",
                    ["lastProbeTime"] = null,
                    ["lastTransitionTime"] = transition,
                    ["reason"] = "Unschedulable",
                    ["message"] = message,
                });
                status["conditions"] = conditions;
                p["status"] = status;
                return p;
            }, pods.Definition.StatusStrategy!, new WriteOptions(FieldManager: "kube-scheduler") { Subresource = "status" }, cancellationToken);
            _written[key] = written.Revision;
            pod = ObjectJson.Parse(written.Value);
        }

        Log.Unschedulable(_logger, key.Namespace, key.Name, message);
        await _events.RecordAsync(pod, "Warning", "FailedScheduling", message, SchedulerName, cancellationToken);
    }

    /// <summary>The pods bound to each node that still hold resources (not Succeeded or Failed).</summary>
    private Dictionary<string, List<JsonObject>> AssignedPods()
    {
        var assigned = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var item in _store.Latest.Range(Pods.Definition.KeyPrefix))
        {
            var pod = ObjectJson.Parse(item.Value);
            if (pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } node
                && pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed"))
            {
                if (!assigned.TryGetValue(node, out var list))
                {
                    assigned[node] = list = [];
                }

                list.Add(pod);
            }
        }

        return assigned;
    }

    /// <summary>BindPodVolumes: a claimRef on each chosen static volume, the selected-node annotation on each claim to provision.</summary>
    private async Task BindVolumesAsync(VolumeBinding volumeBinding, JsonObject node, IReadOnlyList<JsonObject> volumes, CancellationToken cancellationToken)
    {
        var writes = new WriteOptions(FieldManager: "kube-scheduler");
        foreach (var (claim, volume) in volumeBinding.Plan(node, volumes))
        {
            if (volume is not null)
            {
                if (volume["spec"]?["claimRef"] is null)
                {
                    await Volumes.UpdateAsync("", volume.Name(), v =>
                    {
                        v.Metadata()["resourceVersion"] = volume.Metadata().GetString("resourceVersion");
                        ((JsonObject)v["spec"]!)["claimRef"] = new JsonObject
                        {
                            ["apiVersion"] = "v1",
                            ["kind"] = "PersistentVolumeClaim",
                            ["name"] = claim.Name(),
                            ["namespace"] = claim.Namespace(),
                            ["resourceVersion"] = claim.Metadata().GetString("resourceVersion"),
                            ["uid"] = claim.Uid(),
                        };
                        var annotations = v.Metadata()["annotations"] as JsonObject ?? [];
                        annotations[VolumeAnnotations.BoundByController] = "yes";
                        v.Metadata()["annotations"] = annotations;
                        return v;
                    }, Volumes.Definition.Strategy, writes, cancellationToken);
                }
            }
            else if (claim.Metadata()["annotations"]?[VolumeAnnotations.SelectedNode]?.GetValue<string>() != node.Name())
            {
                await Claims.UpdateAsync(claim.Namespace(), claim.Name(), c =>
                {
                    c.Metadata()["resourceVersion"] = claim.Metadata().GetString("resourceVersion");
                    var annotations = c.Metadata()["annotations"] as JsonObject ?? [];
                    annotations[VolumeAnnotations.SelectedNode] = node.Name();
                    c.Metadata()["annotations"] = annotations;
                    return c;
                }, Claims.Definition.Strategy, writes, cancellationToken);
            }
        }
    }

    private JsonObject? ReadClaim(string ns, string name) =>
        Claims.TryGet(ns, name) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    private JsonObject? ReadVolume(string name) =>
        Volumes.TryGet("", name) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    private JsonObject? ReadStorageClass(string name) =>
        _catalog.Get("storage.k8s.io", "storageclasses").TryGet("", name) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    private List<JsonObject> AllVolumes() =>
        _store.Latest.Range(Volumes.Definition.KeyPrefix).Select(v => ObjectJson.Parse(v.Value)).ToList();

    private JsonObject? ReadPodNetwork(string name) =>
        Find("podnetworks")?.TryGet("", name) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    private JsonObject? ReadAttachment(string ns, string name) =>
        Find("podnetworkattachments")?.TryGet(ns, name) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    private ResourceStore? Find(string plural) =>
        _catalog.All.FirstOrDefault(s => s.Definition.Group == "networking.k8s.io" && s.Definition.Plural == plural);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Bound pod {Namespace}/{Name} to {Node}")]
        public static partial void Scheduled(ILogger logger, string @namespace, string name, string node);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name} is unschedulable: {Reason}")]
        public static partial void Unschedulable(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "Scheduling pod {Namespace}/{Name} failed, retrying: {Reason}")]
        public static partial void ScheduleFailed(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(EventId = 1113, Level = LogLevel.Error, Message = "Scheduling pod {Namespace}/{Name} failed; this is a bug")]
        public static partial void ScheduleBug(ILogger logger, string @namespace, string name, Exception error);
    }
}
