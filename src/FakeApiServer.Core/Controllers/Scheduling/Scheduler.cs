using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Controllers.PersistentVolumes;
using FakeApiServer.Controllers.Runtime;
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
internal sealed partial class Scheduler(ControllerContext context) : Reconciler<NamespacedName>(context, "scheduler")
{
    public const string SchedulerName = "default-scheduler";

    private readonly ResourceCatalog _catalog = context.Catalog;
    private readonly FeatureGates _gates = context.FeatureGates;
    private readonly EventRecorder _events = context.Events;

    /// <summary>The revision of this scheduler's last status write per pod, so its own write does not queue the pod again.</summary>
    private readonly ConcurrentDictionary<NamespacedName, long> _written = new();

    /// <summary>What each node's scheduling-relevant part was last seen as, so heartbeats do not retry every pod.</summary>
    private readonly ConcurrentDictionary<string, string> _nodeFingerprints = new(StringComparer.Ordinal);

    private ResourceStore Pods => _catalog.Get("", "pods");

    private ResourceStore Claims => _catalog.Get("", "persistentvolumeclaims");

    private ResourceStore Volumes => _catalog.Get("", "persistentvolumes");

    private bool MultiNetwork => _gates.Enabled(FeatureName.MultiNetwork);

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Pods.AddHandler(OnPodEvent);
        informers.Nodes.AddHandler(OnNodeEvent);

        // A claim that binds (or appears) lets a pod waiting on it go on.
        informers.For("", "persistentvolumeclaims").AddHandler(_ => RequeuePending());
        informers.For("", "persistentvolumes").AddHandler(_ => RequeuePending());
        if (MultiNetwork)
        {
            foreach (var plural in new[] { "podnetworks", "podnetworkattachments" })
            {
                if (Find(plural) is not null)
                {
                    informers.For("networking.k8s.io", plural).AddHandler(_ => RequeuePending());
                }
            }
        }
    }

    protected override Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        ScheduleAsync(key.Namespace, key.Name, cancellationToken);

    private void OnPodEvent(InformerEvent change)
    {
        var pod = change.Object;
        var key = NamespacedName.Of(pod);
        if (change.Type == InformerEventType.Deleted)
        {
            _written.TryRemove(key, out _);
            RequeuePending();
            return;
        }

        if (IsPending(pod))
        {
            if (!_written.TryGetValue(key, out var revision) || revision.ToString(CultureInfo.InvariantCulture) != pod.ResourceVersion())
            {
                Queue.Add(key);
            }
        }
        else if (pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
        {
            // A finished pod frees its node's resources.
            RequeuePending();
        }
    }

    private void OnNodeEvent(InformerEvent change)
    {
        var node = change.Object;
        if (change.Type == InformerEventType.Deleted)
        {
            _nodeFingerprints.TryRemove(node.Name(), out _);
            RequeuePending();
            return;
        }

        var fingerprint = new JsonArray(
            node.Metadata()["labels"]?.DeepClone(),
            node["spec"]?.DeepClone(),
            node["status"]?["allocatable"]?.DeepClone()).ToJsonString();
        if (_nodeFingerprints.TryGetValue(node.Name(), out var seen) && seen == fingerprint)
        {
            return;
        }

        _nodeFingerprints[node.Name()] = fingerprint;
        RequeuePending();
    }

    private void RequeuePending()
    {
        foreach (var pod in Informers.Pods.Lister.List())
        {
            if (IsPending(pod))
            {
                Queue.Add(NamespacedName.Of(pod));
            }
        }
    }

    /// <summary>A pod this scheduler places: no node, our scheduler name, not being deleted, not finished.</summary>
    private static bool IsPending(JsonObject pod) =>
        pod["spec"] is JsonObject spec && string.IsNullOrEmpty(spec.GetString("nodeName"))
        && (spec.GetString("schedulerName") ?? SchedulerName) == SchedulerName
        && !pod.HasDeletionTimestamp()
        && pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed");

    /// <summary>Places one pod, or records why it cannot be placed; idempotent.</summary>
    internal async Task ScheduleAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var pods = Pods;
        if (Informers.Pods.Lister.Get(ns, name) is not { } pod || !IsPending(pod))
        {
            return;
        }

        var nodes = Informers.Nodes.Lister.List()
            .OrderBy(n => n.Name(), StringComparer.Ordinal).ToList();
        var preFilterMessage = MultiNetwork ? PodNetworkPrefilter.Check(pod, ReadPodNetwork, ReadAttachment) : null;
        var volumeBinding = VolumeBinding.PreFilter(pod, ReadClaim, ReadStorageClass);
        preFilterMessage ??= volumeBinding.PreFilterMessage;
        var reasons = new List<string>();
        JsonObject? chosen = null;
        var chosenLoad = int.MaxValue;
        IReadOnlyList<JsonObject> volumes = volumeBinding.AllBound ? [] : AllVolumes();
        if (preFilterMessage is null)
        {
            foreach (var node in nodes)
            {
                var onNode = HoldingResources(node.Name());
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
            bound = await PodBinding.BindAsync(pods, ns, name, nodeName, Time, new WriteOptions { Subresource = "binding" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Deleted, bound by someone else, or being deleted meanwhile: nothing left to place.
            return;
        }

        Log.Scheduled(Logger, ns, name, nodeName);
        await _events.RecordAsync(ObjectJson.Parse(bound.Value), "Normal", "Scheduled",
            $"Successfully assigned {ns}/{name} to {nodeName}", SchedulerName, cancellationToken);
    }

    private async Task MarkUnschedulableAsync(ResourceStore pods, JsonObject pod, string message, CancellationToken cancellationToken)
    {
        var key = NamespacedName.Of(pod);
        var current = (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "PodScheduled");
        if (current?.GetString("status") != "False" || current.GetString("reason") != "Unschedulable" || current.GetString("message") != message)
        {
            var now = ObjectMeta.FormatTime(Time.GetUtcNow());
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

        Log.Unschedulable(Logger, key.Namespace, key.Name, message);
        await _events.RecordAsync(pod, "Warning", "FailedScheduling", message, SchedulerName, cancellationToken);
    }

    /// <summary>The pods bound to <paramref name="node"/> that still hold resources (not Succeeded or Failed).</summary>
    private List<JsonObject> HoldingResources(string node) =>
        Informers.Pods.Lister.ByIndex(Indexers.PodsByNode, node)
            .Where(p => p["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed"))
            .ToList();

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
                        ((JsonObject)v["spec"]!)["claimRef"] = VolumeMatching.ClaimRef(claim);
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

    private JsonObject? ReadClaim(string ns, string name) => Informers.For("", "persistentvolumeclaims").Lister.Get(ns, name);

    private JsonObject? ReadVolume(string name) => Informers.For("", "persistentvolumes").Lister.Get(name);

    private JsonObject? ReadStorageClass(string name) => Informers.For("storage.k8s.io", "storageclasses").Lister.Get(name);

    private IReadOnlyList<JsonObject> AllVolumes() => Informers.For("", "persistentvolumes").Lister.List();

    private JsonObject? ReadPodNetwork(string name) =>
        Find("podnetworks") is not null ? Informers.For("networking.k8s.io", "podnetworks").Lister.Get(name) : null;

    private JsonObject? ReadAttachment(string ns, string name) =>
        Find("podnetworkattachments") is not null ? Informers.For("networking.k8s.io", "podnetworkattachments").Lister.Get(ns, name) : null;

    private ResourceStore? Find(string plural) =>
        _catalog.All.FirstOrDefault(s => s.Definition.Group == "networking.k8s.io" && s.Definition.Plural == plural);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Bound pod {Namespace}/{Name} to {Node}")]
        public static partial void Scheduled(ILogger logger, string @namespace, string name, string node);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name} is unschedulable: {Reason}")]
        public static partial void Unschedulable(ILogger logger, string @namespace, string name, string reason);
    }
}
