using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Kubelet.Logs;
using FakeApiServer.Controllers.Nodes;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.SimulatedContainers.Logs;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// The simulated kubelets of the simulated nodes (kwok's pod stages, one controller for every node). A pod bound to one
/// of them goes Pending → ContainerCreating → Running through pods/status (<see cref="PodStatusBuilder"/>), with one
/// default-network IP per family from the node's pod CIDRs (<see cref="PodIpAllocator"/>; hostNetwork pods get the
/// node's IP), labelled podNetwork "kubernetes" and the default entry's interfaceName when MultiNetwork is on. IPs
/// that network providers wrote are kept. A pod whose other networks are not all in status.podIPs stays in
/// ContainerCreating with a Warning NetworkNotReady event until they are.
/// <para>
/// Once started, containers follow their pod lifecycle stages (<see cref="PodStages"/>: a stage file and
/// <c>fakeapiserver.io/</c> annotations; <see cref="ContainerLifecycle"/>): by default they run for ever and are ready,
/// or they terminate after a time with an exit code and are restarted as the restart policy says, with the kubelet's
/// CrashLoopBackOff back-offs; <see cref="IgnoreSigtermAnnotation"/> makes containers ignore SIGTERM. Each run of a
/// container writes its log (<see cref="ContainerLogWriter"/>) to the store pods/log reads; a deleted pod's logs go.
/// </para>
/// <para>
/// Graceful deletion: when a pod gets a deletionTimestamp, its containers are stopped (terminated, exit code 0) and the
/// kubelet deletes the pod for good with gracePeriodSeconds=0. Simulated containers exit on SIGTERM at once, as kwok's
/// pods do, so a deleted pod goes right away; with <see cref="IgnoreSigtermAnnotation"/> they are killed after
/// min(deletionGracePeriodSeconds, terminationGracePeriodSeconds), timed by the TimeProvider.
/// </para>
/// <para>
/// The kubelet of a node annotated <see cref="SimulatedNodes.StoppedAnnotation"/>: "true" is stopped: its pods keep
/// their status (a deleted one stays Terminating) until the node starts again, when each is synced.
/// </para>
/// </summary>
internal sealed partial class Kubelet : Reconciler<NamespacedName>
{
    /// <summary>"true": the pod's containers ignore SIGTERM, so a delete takes the whole grace period.</summary>
    public const string IgnoreSigtermAnnotation = "fakeapiserver.io/ignore-sigterm";

    public const string NetworkNotReadyMessage = "All networks are not yet attached";

    /// <summary>The default network's name (spec section 5).</summary>
    public const string DefaultNetwork = "kubernetes";

    private const string Component = "kubelet";

    private readonly ResourceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly FeatureGates _gates;
    private readonly EventRecorder _events;
    private readonly int _nodes;
    private readonly PodStages _stages;
    private readonly PodIpAllocator _ips = new();
    private readonly ContainerLogStore _logStore;
    private readonly ContainerLogWriter _logs;

    /// <summary>The networks each waiting pod (by uid) was last reported as missing, so NetworkNotReady is reported once per wait.</summary>
    private readonly ConcurrentDictionary<string, string> _reportedWaits = new(StringComparer.Ordinal);

    public Kubelet(ControllerContext context)
        : base(context, "kubelet")
    {
        _catalog = context.Catalog;
        _time = context.Time;
        _gates = context.FeatureGates;
        _events = context.Events;
        _nodes = context.Nodes;
        _stages = context.PodStages;
        _logStore = context.ContainerLogs;
        _logs = new ContainerLogWriter(context.ContainerLogs, context.LogScript);
    }

    private ResourceStore Pods => _catalog.Get("", "pods");

    private bool MultiNetwork => _gates.Enabled(FeatureName.MultiNetwork);

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Pods.AddHandler(OnPodEvent);
        informers.Nodes.AddHandler(OnNodeEvent);
    }

    /// <summary>A node's kubelet started again (<see cref="SimulatedNodes.StoppedAnnotation"/> removed): it syncs every pod bound to it.</summary>
    private void OnNodeEvent(InformerEvent change)
    {
        if (change.Type == InformerEventType.Modified && change.Old is { } old && SimulatedNodes.IsStopped(old) && !SimulatedNodes.IsStopped(change.Object))
        {
            foreach (var pod in Informers.Pods.Lister.ByIndex(Indexers.PodsByNode, change.Object.Name()))
            {
                Queue.Add(NamespacedName.Of(pod));
            }
        }
    }

    private void OnPodEvent(InformerEvent change)
    {
        var pod = change.Object;
        if (change.Type == InformerEventType.Deleted)
        {
            _ips.Release(pod.Uid() ?? "");
            _reportedWaits.TryRemove(pod.Uid() ?? "", out _);
            _logStore.RemovePod(pod.Uid() ?? "");
        }
        else if (NodeIndex(pod) >= 0)
        {
            Queue.Add(NamespacedName.Of(pod));
        }
    }

    private int NodeIndex(JsonObject pod) =>
        pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } node ? SimulatedNodes.IndexOf(node, _nodes) : -1;

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            await SyncPodAsync(key.Namespace, key.Name, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }

    /// <summary>Moves one pod a step on (up to Running), or on towards its deletion; idempotent.</summary>
    internal async Task SyncPodAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var pods = Pods;
        if (Informers.Pods.Lister.Get(ns, name) is not { } pod)
        {
            return;
        }

        var index = NodeIndex(pod);
        if (index < 0 || Informers.Nodes.Lister.Get(SimulatedNodes.Name(index)) is { } node && SimulatedNodes.IsStopped(node))
        {
            // Not ours, or the node's kubelet is stopped: the pod is left as it is until the node starts again.
            return;
        }

        if (pod.HasDeletionTimestamp())
        {
            await TerminateAsync(pods, pod, cancellationToken);
            return;
        }

        if (PodStatusBuilder.StageOf(pod) == PodStage.Terminal)
        {
            return;
        }

        var view = View(pod, index);
        var before = PodStatusBuilder.StageOf(pod);
        var crashLooping = ContainerLifecycle.CrashLooping(pod);
        var ephemeralBefore = EphemeralStarted(pod);
        pod = await WriteStatusAsync(pods, pod, p => Logged(p, view, start: false), cancellationToken);
        if (PodStatusBuilder.StageOf(pod) == PodStage.Creating)
        {
            if (!PodStatusBuilder.NetworksReady(pod, view))
            {
                await ReportNetworkWaitAsync(pod, view, cancellationToken);
                return;
            }

            pod = await WriteStatusAsync(pods, pod, p => Logged(p, view, start: true), cancellationToken);
        }

        if (before != PodStage.Running && PodStatusBuilder.StageOf(pod) is PodStage.Running or PodStage.Terminal)
        {
            await RecordStartedAsync(pod, cancellationToken);
        }

        await RecordBackOffsAsync(pod, crashLooping, cancellationToken);
        await RecordEphemeralStartedAsync(pod, ephemeralBefore, cancellationToken);
        var logDue = _logs.Write(pod, pod["status"] as JsonObject, view.Stages, _time.GetUtcNow());
        if (PodStatusBuilder.StageOf(pod) == PodStage.Running
            && new[] { ContainerLifecycle.NextTransition(pod, view.Stages), logDue }.Min() is { } due)
        {
            RequeueAt(new NamespacedName(ns, name), due);
        }
    }

    /// <summary>The pod's next status at this moment, its containers' log lines written first, so a client that sees a container start finds its log.</summary>
    private JsonObject Logged(JsonObject pod, KubeletView view, bool start)
    {
        var now = _time.GetUtcNow();
        var status = PodStatusBuilder.Next(pod, view with { Now = now }, start);
        _logs.Write(pod, status, view.Stages, now);
        return status;
    }

    /// <summary>What this kubelet knows about a pod on node <paramref name="index"/>: its IPs, networks to wait for, failing containers.</summary>
    private KubeletView View(JsonObject pod, int index)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var hostIp = SimulatedNodes.InternalIp(index);
        var stages = _stages.Resolve(pod);
        var networks = MultiNetwork ? (spec["networks"] as JsonArray ?? []).OfType<JsonObject>().ToList() : [];
        var defaultEntry = networks.FirstOrDefault(n => ResolvePodNetwork(pod, n) == DefaultNetwork);
        var required = networks.Where(n => n != defaultEntry).Select(Label).Where(l => l.Length > 0).ToList();
        var now = _time.GetUtcNow();
        if (spec["hostNetwork"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            var hostEntry = new JsonObject { ["ip"] = hostIp };
            if (MultiNetwork)
            {
                hostEntry["podNetwork"] = "";
            }

            return new KubeletView(hostIp, [hostEntry], MultiNetwork ? "" : null, required, stages, now);
        }

        // Without a default entry in spec.networks, the IPs cannot carry a network label the pod names (validation).
        var label = MultiNetwork && defaultEntry is not null ? Label(defaultEntry) : MultiNetwork ? "" : null;
        var current = (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(p => label is null || (p.GetString("podNetwork") ?? "") == label).Select(p => p.GetString("ip") ?? "").ToList();
        var ips = _ips.Allocate(pod.Uid() ?? "", SimulatedNodes.PodCidrs(index), current, IpsInUse(pod));
        var entries = ips.Select(ip =>
        {
            var entry = new JsonObject { ["ip"] = ip };
            if (label is { Length: > 0 })
            {
                entry["podNetwork"] = label;
                entry["interfaceName"] = defaultEntry?.GetString("interfaceName") is { Length: > 0 } nic ? nic : "eth0";
            }
            else if (label is not null)
            {
                entry["podNetwork"] = "";
            }

            return entry;
        }).ToList();
        return new KubeletView(hostIp, entries, label, required, stages, now);
    }

    /// <summary>The label a network's podIPs entries carry: its PodNetwork's or attachment's name.</summary>
    private static string Label(JsonObject network) => network.GetString("podNetworkName") ?? network.GetString("podNetworkAttachmentName") ?? "";

    /// <summary>The PodNetwork a spec.networks entry names, directly or through the attachment in the pod's namespace.</summary>
    private string? ResolvePodNetwork(JsonObject pod, JsonObject network)
    {
        if (network.GetString("podNetworkName") is { Length: > 0 } name)
        {
            return name;
        }

        if (network.GetString("podNetworkAttachmentName") is { Length: > 0 } attachment
            && _catalog.All.FirstOrDefault(s => s.Definition.Group == "networking.k8s.io" && s.Definition.Plural == "podnetworkattachments") is { } attachments
            && attachments.TryGet(pod.Namespace(), attachment) is { } stored)
        {
            return ObjectJson.Parse(stored.Value)["spec"]?["podNetworkName"]?.GetValue<string>();
        }

        return null;
    }

    /// <summary>The IPs other live pods on the same node show, so none is handed out twice after a restart.</summary>
    private HashSet<string> IpsInUse(JsonObject pod)
    {
        var node = pod["spec"]?["nodeName"]?.GetValue<string>() ?? "";
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in Informers.Pods.Lister.ByIndex(Indexers.PodsByNode, node))
        {
            if (other.Uid() != pod.Uid())
            {
                foreach (var ip in (other["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    used.Add(ip.GetString("ip") ?? "");
                }
            }
        }

        return used;
    }

    /// <summary>Writes the status <paramref name="next"/> computes from the newest pod, unless it is unchanged; returns the pod as stored.</summary>
    private static async Task<JsonObject> WriteStatusAsync(ResourceStore pods, JsonObject pod, Func<JsonObject, JsonObject> next, CancellationToken cancellationToken)
    {
        if (JsonNode.DeepEquals(next(pod), pod["status"]))
        {
            return pod;
        }

        var uid = pod.Uid();
        var written = await pods.UpdateAsync(pod.Namespace(), pod.Name(), p =>
        {
            p.Metadata().Remove("resourceVersion");
            if (p.Uid() != uid)
            {
                // Another pod of the same name: leave it to its own sync.
                throw ApiException.ConflictWith(pods.Definition.GroupResource, pod.Name(), "the pod was replaced");
            }

            p["status"] = next(p);
            return p;
        }, pods.Definition.StatusStrategy!, new WriteOptions(FieldManager: Component) { Subresource = "status" }, cancellationToken);
        return ObjectJson.Parse(written.Value);
    }

    private async Task ReportNetworkWaitAsync(JsonObject pod, KubeletView view, CancellationToken cancellationToken)
    {
        var present = (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>().Select(p => p.GetString("podNetwork")).ToHashSet(StringComparer.Ordinal);
        var missing = string.Join(',', view.RequiredNetworks.Where(n => !present.Contains(n)));
        if (_reportedWaits.TryGetValue(pod.Uid() ?? "", out var reported) && reported == missing)
        {
            return;
        }

        _reportedWaits[pod.Uid() ?? ""] = missing;
        var (ns, name) = (pod.Namespace(), pod.Name());
        Log.WaitingForNetworks(Logger, ns, name, missing);
        await _events.RecordAsync(pod, "Warning", "NetworkNotReady", NetworkNotReadyMessage, Component, cancellationToken);
    }

    private async Task RecordStartedAsync(JsonObject pod, CancellationToken cancellationToken)
    {
        foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            await RecordContainerStartedAsync(pod, c, cancellationToken);
        }
    }

    /// <summary>The kubelet's Pulled, Created and Started events for one container of the pod.</summary>
    private async Task RecordContainerStartedAsync(JsonObject pod, JsonObject container, CancellationToken cancellationToken)
    {
        var name = container.GetString("name") ?? "";
        await _events.RecordAsync(pod, "Normal", "Pulled", $"Container image \"{container.GetString("image")}\" already present on machine", Component, cancellationToken);
        await _events.RecordAsync(pod, "Normal", "Created", "Created container: " + name, Component, cancellationToken);
        await _events.RecordAsync(pod, "Normal", "Started", "Started container " + name, Component, cancellationToken);
    }

    /// <summary>The names of the ephemeral containers the pod's status reports.</summary>
    private static HashSet<string> EphemeralStarted(JsonObject pod) =>
        (pod["status"]?["ephemeralContainerStatuses"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c.GetString("name") ?? "").ToHashSet(StringComparer.Ordinal);

    /// <summary>The kubelet's Pulled, Created and Started events for each ephemeral container started since <paramref name="before"/>.</summary>
    private async Task RecordEphemeralStartedAsync(JsonObject pod, HashSet<string> before, CancellationToken cancellationToken)
    {
        var started = EphemeralStarted(pod);
        foreach (var c in (pod["spec"]?["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = c.GetString("name") ?? "";
            if (started.Contains(name) && !before.Contains(name))
            {
                await RecordContainerStartedAsync(pod, c, cancellationToken);
            }
        }
    }

    /// <summary>A Warning BackOff event for each container that went into CrashLoopBackOff since <paramref name="before"/>.</summary>
    private async Task RecordBackOffsAsync(JsonObject pod, IReadOnlySet<string> before, CancellationToken cancellationToken)
    {
        foreach (var name in ContainerLifecycle.CrashLooping(pod).Where(n => !before.Contains(n)))
        {
            await _events.RecordAsync(pod, "Warning", "BackOff",
                $"Back-off restarting failed container {name} in pod {pod.Name()}_{pod.Namespace()}({pod.Uid()})", Component, cancellationToken);
        }
    }

    /// <summary>
    /// Stops the containers of a pod being deleted, then deletes it for good (grace period 0) once they are stopped: at
    /// once, or when they ignore SIGTERM after min(deletionGracePeriodSeconds, terminationGracePeriodSeconds).
    /// </summary>
    private async Task TerminateAsync(ResourceStore pods, JsonObject pod, CancellationToken cancellationToken)
    {
        if (!PodStatusBuilder.Stopped(pod))
        {
            pod = await WriteStatusAsync(pods, pod, p =>
            {
                var now = _time.GetUtcNow();
                var status = PodStatusBuilder.Terminating(p, now);
                _logs.Write(p, status, _stages.Resolve(p), now);
                return status;
            }, cancellationToken);
            foreach (var c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                await _events.RecordAsync(pod, "Normal", "Killing", "Stopping container " + c.GetString("name"), Component, cancellationToken);
            }
        }

        var meta = pod.Metadata();
        if (meta["annotations"]?[IgnoreSigtermAnnotation]?.GetValue<string>() == "true"
            && meta.GetString("deletionTimestamp") is { } deadlineText
            && DateTimeOffset.TryParse(deadlineText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var deadline))
        {
            var deletionGrace = meta.GetInt64("deletionGracePeriodSeconds") ?? 0;
            var terminationGrace = pod["spec"] is JsonObject spec ? spec.GetInt64("terminationGracePeriodSeconds") ?? deletionGrace : deletionGrace;
            var due = deadline.AddSeconds(-deletionGrace).AddSeconds(Math.Min(deletionGrace, terminationGrace));
            if (due > _time.GetUtcNow())
            {
                RequeueAt(NamespacedName.Of(pod), due);
                return;
            }
        }

        try
        {
            var (ns, name) = (pod.Namespace(), pod.Name());
            await pods.DeleteAsync(ns, name, new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = pod.Uid() }, cancellationToken);
            Log.Deleted(Logger, ns, name);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone already, or another pod of that name now.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name} waits for networks {Networks}")]
        public static partial void WaitingForNetworks(ILogger logger, string @namespace, string name, string networks);

        [LoggerMessage(EventId = 1121, Level = LogLevel.Debug, Message = "Pod {Namespace}/{Name} stopped and deleted")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);
    }
}
