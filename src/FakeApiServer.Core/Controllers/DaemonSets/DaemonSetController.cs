using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Deployments;
using FakeApiServer.Controllers.History;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Controllers.Workloads;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.DaemonSets;

/// <summary>
/// kube-controller-manager's daemonset controller: one pod on every node that should run it (<see cref="DaemonPods"/>),
/// made from the current ControllerRevision (named "&lt;set&gt;-&lt;template hash&gt;"), pods removed from nodes that
/// should not keep one, failed pods replaced, and a RollingUpdate that replaces old pods within maxUnavailable (or,
/// with maxSurge, starts the new pod first and deletes the old one once the new one is available). OnDelete leaves
/// old pods alone. Any node event looks at every daemon set again, so nodes added later get their pod. Status:
/// desired/current/updated NumberScheduled, numberReady, numberAvailable, numberUnavailable, numberMisscheduled and
/// observedGeneration through daemonsets/status.
/// </summary>
internal sealed class DaemonSetController(ControllerContext context)
    : WorkloadController(context, "daemonset", "apps", "daemonsets", "DaemonSet", Component)
{
    /// <summary>The reporting component of the events, as upstream.</summary>
    public const string Component = "daemonset-controller";

    private readonly RevisionHistory _history = new(context.Catalog, context.Informers, FieldManager);

    protected override void Watch(SharedInformerFactory informers)
    {
        base.Watch(informers);
        informers.Nodes.AddHandler(_ =>
        {
            foreach (var ds in Owners.Lister.List())
            {
                Queue.Add(NamespacedName.Of(ds));
            }
        });
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Owners.Lister.Get(key.Namespace, key.Name) is not { } ds || ds.HasDeletionTimestamp())
        {
            return;
        }

        var template = ds["spec"]?["template"] as JsonObject;
        var revisions = _history.Owned(ds, Kind);
        var (current, collisionCount) = await _history.EnsureUpdateRevisionAsync(
            ds, Kind, revisions, count => PodTemplateHash.Compute(template, count), cancellationToken);
        var hash = ControllerRevisions.HashOf(current);
        var now = Time.GetUtcNow();
        var minReadySeconds = ds["spec"]?.AsObject().GetInt64("minReadySeconds") ?? 0;

        var nodes = Informers.Nodes.Lister.List();
        var pods = OwnedPods(ds);
        var byNode = pods.Where(p => !p.HasDeletionTimestamp()).GroupBy(p => DaemonPods.TargetNode(p) ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var runOn = new List<string>();
        foreach (var node in nodes)
        {
            var onNode = byNode.GetValueOrDefault(node.Name()) ?? [];
            if (DaemonPods.ShouldRun(ds, node) || (onNode.Count > 0 && DaemonPods.ShouldContinueRunning(ds, node)))
            {
                runOn.Add(node.Name());
                await SyncNodeAsync(ds, node.Name(), onNode, hash, cancellationToken);
            }
            else
            {
                foreach (var pod in onNode)
                {
                    await DeletePodAsync(ds, pod, cancellationToken);
                }
            }
        }

        foreach (var (node, onNode) in byNode.Where(g => !nodes.Any(n => n.Name() == g.Key)))
        {
            foreach (var pod in onNode)
            {
                await DeletePodAsync(ds, pod, cancellationToken);
            }
        }

        if ((ds["spec"]?["updateStrategy"]?.AsObject().GetString("type") ?? "RollingUpdate") == "RollingUpdate")
        {
            await RollAsync(ds, runOn, byNode, hash, minReadySeconds, now, cancellationToken);
        }

        pods = OwnedPods(ds);
        await UpdateStatusAsync(ds, nodes, pods, hash, collisionCount, minReadySeconds, now, cancellationToken);
        var live = pods.Select(p => ControllerRevisions.Name(ds.Name(), ControllerRevisions.HashOf(p))).Append(current.Name()).ToHashSet(StringComparer.Ordinal);
        await _history.TruncateAsync(revisions, live, ds["spec"]?.AsObject().GetInt64("revisionHistoryLimit") ?? 10, cancellationToken);
    }

    /// <summary>One pod on the node: made when missing, a failed one deleted (to be made again), extra ones deleted (the oldest stays).</summary>
    private async Task SyncNodeAsync(JsonObject ds, string node, List<JsonObject> onNode, string hash, CancellationToken cancellationToken)
    {
        foreach (var failed in onNode.Where(p => p.FieldString("status.phase") == "Failed").ToList())
        {
            await Context.Events.RecordAsync(ds, "Warning", "FailedDaemonPod", $"Found failed daemon pod {failed.Namespace()}/{failed.Name()} on node {node}, will try to kill it", Component, cancellationToken);
            await DeletePodAsync(ds, failed, cancellationToken);
            onNode.Remove(failed);
        }

        if (onNode.Count == 0)
        {
            await CreatePodAsync(ds, DaemonPods.New(ds, node, hash), cancellationToken);
            return;
        }

        // With maxSurge an old and a new pod share a node for a while; otherwise only the oldest stays.
        var keep = onNode.Where(p => ControllerRevisions.HashOf(p) == hash).OrderBy(PodState.CreatedAt).Take(1)
            .Concat(onNode.Where(p => ControllerRevisions.HashOf(p) != hash).OrderBy(PodState.CreatedAt).Take(1)).ToList();
        foreach (var extra in onNode.Except(keep).ToList())
        {
            await DeletePodAsync(ds, extra, cancellationToken);
            onNode.Remove(extra);
        }
    }

    /// <summary>rollingUpdate: maxUnavailable old pods go at a time (unavailable ones first, for free); with maxSurge new pods start beside old ones.</summary>
    private async Task RollAsync(
        JsonObject ds, List<string> runOn, Dictionary<string, List<JsonObject>> byNode, string hash, long minReadySeconds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var rolling = ds["spec"]?["updateStrategy"]?["rollingUpdate"];
        var desired = runOn.Count;
        var maxSurge = RollingUpdate.Scaled(rolling?["maxSurge"], desired, roundUp: true, 0);
        var maxUnavailable = RollingUpdate.Scaled(rolling?["maxUnavailable"], desired, roundUp: true, 1);
        if (maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1;
        }

        bool Available(JsonObject p) => PodState.IsAvailable(p, minReadySeconds, now);
        var nodes = runOn.Select(n => (Node: n, Pods: byNode.GetValueOrDefault(n) ?? [])).ToList();
        if (maxSurge == 0)
        {
            var unavailable = nodes.Count(n => !n.Pods.Any(Available));
            foreach (var (_, pods) in nodes)
            {
                foreach (var old in pods.Where(p => ControllerRevisions.HashOf(p) != hash))
                {
                    if (!Available(old))
                    {
                        await DeletePodAsync(ds, old, cancellationToken);
                    }
                    else if (unavailable < maxUnavailable)
                    {
                        await DeletePodAsync(ds, old, cancellationToken);
                        unavailable++;
                    }
                }
            }

            return;
        }

        var surging = nodes.Count(n => n.Pods.Any(p => ControllerRevisions.HashOf(p) == hash) && n.Pods.Any(p => ControllerRevisions.HashOf(p) != hash));
        foreach (var (node, pods) in nodes)
        {
            var old = pods.Where(p => ControllerRevisions.HashOf(p) != hash).ToList();
            var fresh = pods.Where(p => ControllerRevisions.HashOf(p) == hash).ToList();
            if (old.Count == 0)
            {
                continue;
            }

            if (fresh.Count == 0 && old.Any(Available) && surging < maxSurge)
            {
                await CreatePodAsync(ds, DaemonPods.New(ds, node, hash), cancellationToken);
                surging++;
            }
            else if (fresh.Any(Available) || (fresh.Count == 0 && !old.Any(Available)))
            {
                foreach (var pod in old)
                {
                    await DeletePodAsync(ds, pod, cancellationToken);
                }
            }
        }
    }

    private async Task UpdateStatusAsync(
        JsonObject ds, IReadOnlyList<JsonObject> nodes, List<JsonObject> pods, string hash, long? collisionCount, long minReadySeconds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        int desired = 0, scheduled = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        var byNode = pods.Where(p => !p.HasDeletionTimestamp()).GroupBy(p => DaemonPods.TargetNode(p) ?? "").ToDictionary(g => g.Key, g => g.ToList());
        foreach (var node in nodes)
        {
            var onNode = byNode.GetValueOrDefault(node.Name()) ?? [];
            var shouldRun = DaemonPods.ShouldRun(ds, node);
            if (!shouldRun)
            {
                misscheduled += onNode.Count > 0 ? 1 : 0;
                continue;
            }

            desired++;
            if (onNode.Count == 0)
            {
                continue;
            }

            scheduled++;
            var newest = onNode.OrderByDescending(PodState.CreatedAt).First();
            ready += PodState.IsReady(newest) ? 1 : 0;
            available += PodState.IsAvailable(newest, minReadySeconds, now) ? 1 : 0;
            updated += onNode.Any(p => ControllerRevisions.HashOf(p) == hash) ? 1 : 0;
        }

        if (PodState.NextAvailable(pods.Where(p => !p.HasDeletionTimestamp()), minReadySeconds, now) is { } next)
        {
            RequeueAt(NamespacedName.Of(ds), next);
        }

        var status = new JsonObject
        {
            ["currentNumberScheduled"] = scheduled,
            ["numberMisscheduled"] = misscheduled,
            ["desiredNumberScheduled"] = desired,
            ["numberReady"] = ready,
            ["observedGeneration"] = ds.Metadata().GetInt64("generation") ?? 0,
        };
        AddIfPositive(status, "updatedNumberScheduled", updated);
        AddIfPositive(status, "numberAvailable", available);
        AddIfPositive(status, "numberUnavailable", desired - available);
        if (collisionCount is { } count)
        {
            status["collisionCount"] = count;
        }

        await WriteStatusAsync(ds, status, cancellationToken);
    }
}
