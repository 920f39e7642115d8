using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Nodes;

/// <summary>
/// The simulated nodes' kubelets as the control plane sees them (kwok's node simulation): each node is registered when
/// missing (at start, and again if it is deleted), its heartbeat Lease in kube-node-lease is renewed every
/// <see cref="LeaseRenewInterval"/>, and its conditions' lastHeartbeatTime every <see cref="StatusReportInterval"/>.
/// What a user changed on a node (labels, taints, unschedulable) is never overwritten, except that the
/// node.kubernetes.io/not-ready:NoSchedule taint TaintNodesByCondition puts on a new node is removed while the node
/// is Ready, as upstream's node lifecycle controller does.
/// <para>
/// A node annotated <see cref="SimulatedNodes.StoppedAnnotation"/>: "true" is a stopped kubelet: its lease and status
/// are left alone (so the node lifecycle controller marks it Unknown and taints it) until the annotation goes, when the
/// next heartbeat (at once) renews the lease and reports the healthy conditions again.
/// </para>
/// </summary>
internal sealed partial class NodeSimulator : Reconciler<int>
{
    /// <summary>The kubelet's lease renew interval (a quarter of the 40 s lease duration, as upstream).</summary>
    private static readonly TimeSpan LeaseRenewInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often the node status heartbeat is written; the kubelet's nodeStatusReportFrequency is 5 min, 1 min keeps ages readable.</summary>
    private static readonly TimeSpan StatusReportInterval = TimeSpan.FromMinutes(1);

    /// <summary>The kubelet's nodeLeaseDurationSeconds.</summary>
    private const int LeaseDurationSeconds = 40;

    private const string LeaseNamespace = "kube-node-lease";

    private readonly ResourceCatalog _catalog;
    private readonly int _count;

    /// <summary>When each node's status heartbeat was last written.</summary>
    private readonly DateTimeOffset[] _lastStatusReport;

    public NodeSimulator(ControllerContext context)
        : base(context, "node-simulator")
    {
        _catalog = context.Catalog;
        _count = context.Nodes;
        _lastStatusReport = Enumerable.Repeat(DateTimeOffset.MinValue, _count).ToArray();
    }

    /// <summary>Every node is a key, queued at start; each comes back every <see cref="LeaseRenewInterval"/>.</summary>
    public override Task RunAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _count; i++)
        {
            Queue.Add(i);
        }

        return base.RunAsync(cancellationToken);
    }

    /// <summary>
    /// A node stopped or started is a heartbeat at once; a deleted node is not: a kubelet re-registers it on its next
    /// heartbeat.
    /// </summary>
    protected override void Watch(SharedInformerFactory informers) => informers.Nodes.AddHandler(change =>
    {
        if (change.Type == InformerEventType.Modified && change.Old is { } old
            && SimulatedNodes.IsStopped(old) != SimulatedNodes.IsStopped(change.Object)
            && SimulatedNodes.IndexOf(change.Object.Name(), _count) is var index and >= 0)
        {
            Queue.Add(index);
        }
    });

    /// <summary>One heartbeat of node <paramref name="index"/>: registration, lease and (every <see cref="StatusReportInterval"/>) status.</summary>
    protected override async Task ReconcileAsync(int index, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var reportStatus = now - _lastStatusReport[index] >= StatusReportInterval;
        await ReconcileAsync(index, reportStatus, cancellationToken);
        if (reportStatus)
        {
            _lastStatusReport[index] = now;
        }

        // From when this heartbeat started, not from now: a clock moved on meanwhile must not push the next one back.
        RequeueAt(index, now + LeaseRenewInterval);
    }

    /// <summary>Registers node <paramref name="index"/> when missing, renews its lease and, when asked, its status heartbeat.</summary>
    internal async Task ReconcileAsync(int index, bool reportStatus, CancellationToken cancellationToken)
    {
        var name = SimulatedNodes.Name(index);
        var nodes = _catalog.Get("", "nodes");
        var now = Time.GetUtcNow();
        StoredObject node;
        if (nodes.TryGet("", name) is { } existing)
        {
            node = existing;
            var current = ObjectJson.Parse(existing.Value);
            if (SimulatedNodes.IsStopped(current))
            {
                return;
            }

            if (reportStatus || !Healthy(current))
            {
                node = await nodes.UpdateAsync("", name, n => Heartbeat(n, now), nodes.Definition.StatusStrategy!, new WriteOptions(), cancellationToken);
            }
        }
        else
        {
            try
            {
                node = await nodes.CreateAsync("", SimulatedNodes.Build(index, _count, now), new WriteOptions(), cancellationToken);
                Log.NodeRegistered(Logger, name);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                node = nodes.Get("", name);
            }
        }

        var parsed = ObjectJson.Parse(node.Value);
        if (IsReady(parsed) && Taints(parsed).Any(TaintNodesByConditionPlugin.IsNotReadyNoSchedule))
        {
            node = await nodes.UpdateAsync("", name, RemoveNotReadyTaint, nodes.Definition.Strategy, new WriteOptions(), cancellationToken);
            parsed = ObjectJson.Parse(node.Value);
        }

        await RenewLeaseAsync(parsed, now, cancellationToken);
    }

    private static bool IsReady(JsonObject node) =>
        (node["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => c.GetString("type") == "Ready" && c.GetString("status") == "True");

    private static IEnumerable<JsonObject> Taints(JsonObject node) => (node["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>();

    private static JsonObject RemoveNotReadyTaint(JsonObject node)
    {
        node.Metadata().Remove("resourceVersion");
        if (node["spec"] is JsonObject spec && spec["taints"] is JsonArray taints)
        {
            foreach (var taint in taints.OfType<JsonObject>().Where(TaintNodesByConditionPlugin.IsNotReadyNoSchedule).ToList())
            {
                taints.Remove(taint);
            }

            if (taints.Count == 0)
            {
                spec.Remove("taints");
            }
        }

        return node;
    }

    /// <summary>Whether the node shows every condition as its kubelet reports it (not as the node lifecycle controller set it).</summary>
    private static bool Healthy(JsonObject node)
    {
        var conditions = (node["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return SimulatedNodes.KubeletConditions(DateTimeOffset.UnixEpoch).All(wanted =>
            conditions.Any(c => c.GetString("type") == wanted.GetString("type") && SameState(c, wanted)));
    }

    private static bool SameState(JsonObject a, JsonObject b) =>
        a.GetString("status") == b.GetString("status") && a.GetString("reason") == b.GetString("reason") && a.GetString("message") == b.GetString("message");

    /// <summary>
    /// The kubelet's status report: every condition it owns gets a new lastHeartbeatTime and its healthy status, reason
    /// and message (a new lastTransitionTime when the status changes, as the kubelet's condition setters do).
    /// </summary>
    private static JsonObject Heartbeat(JsonObject node, DateTimeOffset now)
    {
        node.Metadata().Remove("resourceVersion");
        var status = node.ChildObject("status");
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        foreach (var wanted in SimulatedNodes.KubeletConditions(now))
        {
            var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == wanted.GetString("type"));
            if (condition is null)
            {
                conditions.Add(wanted);
                continue;
            }

            if (condition.GetString("status") != wanted.GetString("status"))
            {
                condition["lastTransitionTime"] = wanted["lastTransitionTime"]!.DeepClone();
            }

            condition["status"] = wanted["status"]!.DeepClone();
            condition["reason"] = wanted["reason"]!.DeepClone();
            condition["message"] = wanted["message"]!.DeepClone();
            condition["lastHeartbeatTime"] = wanted["lastHeartbeatTime"]!.DeepClone();
        }

        return node;
    }

    private async Task RenewLeaseAsync(JsonObject node, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leases = _catalog.Get("coordination.k8s.io", "leases");
        var name = node.Name();
        var owner = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = name, ["uid"] = node.Uid() });
        var renewTime = ObjectMeta.FormatMicroTime(now);
        if (leases.TryGet(LeaseNamespace, name) is null)
        {
            var lease = new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = LeaseNamespace, ["ownerReferences"] = owner },
                ["spec"] = new JsonObject { ["holderIdentity"] = name, ["leaseDurationSeconds"] = LeaseDurationSeconds, ["renewTime"] = renewTime },
            };
            try
            {
                await leases.CreateAsync(LeaseNamespace, lease, new WriteOptions(), cancellationToken);
                return;
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Created meanwhile: renew it below.
            }
        }

        await leases.UpdateAsync(LeaseNamespace, name, lease =>
        {
            lease.Metadata().Remove("resourceVersion");
            lease.Metadata()["ownerReferences"] = owner.DeepClone();
            var spec = lease["spec"] as JsonObject ?? [];
            spec["holderIdentity"] = name;
            spec["leaseDurationSeconds"] = LeaseDurationSeconds;
            spec["renewTime"] = renewTime;
            lease["spec"] = spec;
            return lease;
        }, leases.Definition.Strategy, new WriteOptions(), cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Registered node {Node}")]
        public static partial void NodeRegistered(ILogger logger, string node);
    }
}
