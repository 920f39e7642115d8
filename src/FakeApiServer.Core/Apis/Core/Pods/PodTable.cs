using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;
using FakeApiServer.Features;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// Pods as kube-apiserver's printPod: NAME READY STATUS RESTARTS AGE, and with -o wide IP NODE
/// NOMINATED NODE READINESS GATES. STATUS is the phase refined by the pod's reason, scheduling gates,
/// init container progress ("Init:1/2", "Init:CrashLoopBackOff"), container states
/// ("CrashLoopBackOff", "ExitCode:1") and deletion ("Terminating"). With the MultiNetwork gate on, -o wide also
/// shows NETWORKS: spec.networks as name(interface), e.g. kubernetes(eth0),dataplane(net1).
/// </summary>
internal sealed class PodTable(FeatureGates gates) : ITablePrinter
{
    private static readonly TableColumn NetworksColumn = new("Networks", "string", "",
        "Networks is a list of PodNetworks that will be attached to the Pod, as name(interface).", 1);

    private readonly bool _networks = gates.Enabled(FeatureName.MultiNetwork);

    /// <summary>The printer with every feature gate at its default.</summary>
    public PodTable()
        : this(FeatureGates.Default)
    {
    }

    /// <summary>node.NodeUnreachablePodReason: the reason the node lifecycle controller sets on pods of a lost node.</summary>
    private const string NodeUnreachablePodReason = "NodeLost";

    private static readonly TableColumn[] PodColumns =
    [
        TableCells.NameColumn,
        new("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "", "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        TableCells.AgeColumn,
        new("IP", "string", "", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
        new("Node", "string", "", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1),
        new("Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
        new("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
    ];

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns => _networks ? [.. PodColumns, NetworksColumn] : PodColumns;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = TableCells.Get(obj, "spec");
        var status = TableCells.Get(obj, "status");
        var conditions = TableCells.Objects(status, "conditions");

        var restarts = 0L;
        var restartableInitContainerRestarts = 0L;
        var totalContainers = TableCells.Count(spec, "containers");
        var readyContainers = 0;
        DateTimeOffset? lastRestartDate = null;
        DateTimeOffset? lastRestartableInitContainerRestartDate = null;

        var podPhase = TableCells.GetString(status, "phase") ?? "";
        var statusReason = TableCells.GetString(status, "reason") ?? "";
        var reason = statusReason.Length > 0 ? statusReason : podPhase;

        if (conditions.Any(c => TableCells.GetString(c, "type") == "PodScheduled" && TableCells.GetString(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var initContainerSpecs = TableCells.Objects(spec, "initContainers");
        var restartableInitContainers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in initContainerSpecs)
        {
            if (TableCells.GetString(container, "restartPolicy") == "Always")
            {
                restartableInitContainers.Add(TableCells.GetString(container, "name") ?? "");
                totalContainers++;
            }
        }

        var initializing = false;
        var initStatuses = TableCells.Objects(status, "initContainerStatuses");
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            var restartCount = TableCells.GetInt64(container, "restartCount") ?? 0;
            var restartable = restartableInitContainers.Contains(TableCells.GetString(container, "name") ?? "");
            restarts += restartCount;
            var finishedAt = LastTerminationFinishedAt(container);
            lastRestartDate = Later(lastRestartDate, finishedAt);
            if (restartable)
            {
                restartableInitContainerRestarts += restartCount;
                lastRestartableInitContainerRestartDate = Later(lastRestartableInitContainerRestartDate, finishedAt);
            }

            var terminated = TableCells.Get(container, "state", "terminated") as JsonObject;
            var waitingReason = TableCells.GetString(container, "state", "waiting", "reason") ?? "";
            if (terminated is not null && (TableCells.GetInt64(terminated, "exitCode") ?? 0) == 0)
            {
                continue;
            }

            if (restartable && TableCells.IsTrue(container, "started"))
            {
                if (TableCells.IsTrue(container, "ready"))
                {
                    readyContainers++;
                }

                continue;
            }

            if (terminated is not null)
            {
                // Initialization failed.
                reason = "Init:" + TerminatedReason(terminated);
            }
            else if (TableCells.Get(container, "state", "waiting") is JsonObject && waitingReason.Length > 0 && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = TableCells.Invariant($"Init:{i}/{initContainerSpecs.Count}");
            }

            initializing = true;
            break;
        }

        if (!initializing || HasCondition(conditions, "Initialized"))
        {
            restarts = restartableInitContainerRestarts;
            lastRestartDate = lastRestartableInitContainerRestartDate;
            var hasRunning = false;
            var containerStatuses = TableCells.Objects(status, "containerStatuses");
            for (var i = containerStatuses.Count - 1; i >= 0; i--)
            {
                var container = containerStatuses[i];
                restarts += TableCells.GetInt64(container, "restartCount") ?? 0;
                lastRestartDate = Later(lastRestartDate, LastTerminationFinishedAt(container));

                var waitingReason = TableCells.GetString(container, "state", "waiting", "reason") ?? "";
                var terminated = TableCells.Get(container, "state", "terminated") as JsonObject;
                var terminatedReason = TableCells.GetString(terminated, "reason") ?? "";
                if (waitingReason.Length > 0)
                {
                    reason = waitingReason;
                }
                else if (terminated is not null)
                {
                    reason = terminatedReason.Length > 0 ? terminatedReason : TerminatedReason(terminated);
                }
                else if (TableCells.IsTrue(container, "ready") && TableCells.Get(container, "state", "running") is JsonObject)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }

            // The pod is back to Running if a container still reports running.
            if (reason == "Completed" && hasRunning)
            {
                reason = HasCondition(conditions, "Ready") ? "Running" : "NotReady";
            }
        }

        var deleting = TableCells.Get(obj, "metadata", "deletionTimestamp") is JsonValue;
        if (deleting && statusReason == NodeUnreachablePodReason)
        {
            reason = "Unknown";
        }
        else if (deleting && podPhase is not ("Succeeded" or "Failed"))
        {
            reason = "Terminating";
        }

        var restartsText = restarts != 0 && lastRestartDate is { } last
            ? TableCells.Invariant($"{restarts} ({TableCells.HumanDuration(now - last)} ago)")
            : TableCells.Invariant($"{restarts}");

        var podIps = TableCells.Objects(status, "podIPs");
        var podIp = podIps.Count > 0 ? TableCells.GetString(podIps[0], "ip") : TableCells.GetString(status, "podIP");

        IReadOnlyList<object?> cells =
        [
            TableCells.Name(obj),
            TableCells.Invariant($"{readyContainers}/{totalContainers}"),
            reason,
            restartsText,
            TableCells.Age(obj, now),
            TableCells.OrNone(podIp),
            TableCells.OrNone(TableCells.GetString(spec, "nodeName")),
            TableCells.OrNone(TableCells.GetString(status, "nominatedNodeName")),
            ReadinessGates(spec, conditions),
        ];
        return _networks ? [.. cells, Networks(spec)] : cells;
    }

    /// <summary>name(interface) per spec.networks entry (the PodNetwork or attachment name), comma separated, or &lt;none&gt;.</summary>
    private static string Networks(JsonNode? spec)
    {
        var networks = TableCells.Objects(spec, "networks")
            .Select(n => (Name: TableCells.GetString(n, "podNetworkName") is { Length: > 0 } pn ? pn : TableCells.GetString(n, "podNetworkAttachmentName") ?? "",
                Interface: TableCells.GetString(n, "interfaceName")))
            .Select(n => string.IsNullOrEmpty(n.Interface) ? n.Name : n.Name + "(" + n.Interface + ")")
            .ToList();
        return networks.Count == 0 ? TableCells.None : TableCells.Join(networks);
    }

    private static string ReadinessGates(JsonNode? spec, IReadOnlyList<JsonObject> conditions)
    {
        var gates = TableCells.Objects(spec, "readinessGates");
        if (gates.Count == 0)
        {
            return TableCells.None;
        }

        var trueConditions = 0;
        foreach (var gate in gates)
        {
            var conditionType = TableCells.GetString(gate, "conditionType");
            var condition = conditions.FirstOrDefault(c => TableCells.GetString(c, "type") == conditionType);
            if (condition is not null && TableCells.GetString(condition, "status") == "True")
            {
                trueConditions++;
            }
        }

        return TableCells.Invariant($"{trueConditions}/{gates.Count}");
    }

    /// <summary>The reason of a terminated state, or "Signal:N" / "ExitCode:N" when it has none.</summary>
    private static string TerminatedReason(JsonObject terminated)
    {
        var reason = TableCells.GetString(terminated, "reason") ?? "";
        if (reason.Length > 0)
        {
            return reason;
        }

        var signal = TableCells.GetInt64(terminated, "signal") ?? 0;
        return signal != 0
            ? TableCells.Invariant($"Signal:{signal}")
            : TableCells.Invariant($"ExitCode:{TableCells.GetInt64(terminated, "exitCode") ?? 0}");
    }

    private static bool HasCondition(IReadOnlyList<JsonObject> conditions, string type) =>
        conditions.Any(c => TableCells.GetString(c, "type") == type && TableCells.GetString(c, "status") == "True");

    private static DateTimeOffset? LastTerminationFinishedAt(JsonObject containerStatus) =>
        TableCells.Get(containerStatus, "lastState", "terminated") is JsonObject terminated
            ? TableCells.Timestamp(TableCells.Get(terminated, "finishedAt"))
            : null;

    private static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is not null && (current is null || current < candidate) ? candidate : current;
}
