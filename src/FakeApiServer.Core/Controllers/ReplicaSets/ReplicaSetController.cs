using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Workloads;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ReplicaSets;

/// <summary>
/// kube-controller-manager's replicaset controller: keeps spec.replicas active pods made from the template (named
/// "&lt;replicaset&gt;-&lt;5 random&gt;", controlled by the replica set), deletes the least useful ones first when
/// there are too many (<see cref="PodDeletionOrder"/>), and reports replicas, fullyLabeledReplicas, readyReplicas,
/// availableReplicas, observedGeneration and the ReplicaFailure condition (pods it could not create or delete)
/// through replicasets/status. Orphaned pods matching the selector are not
/// adopted (upstream adopts them): only pods this controller made count. The same controller keeps
/// ReplicationControllers (<see cref="ReplicatedKind"/>), as upstream's replication manager does.
/// </summary>
internal sealed class ReplicaSetController(ControllerContext context, ReplicatedKind kind)
    : WorkloadController(context, kind.ControllerName, kind.Group, kind.Plural, kind.Kind, kind.Component)
{
    /// <summary>The controller of ReplicaSets.</summary>
    public ReplicaSetController(ControllerContext context)
        : this(context, ReplicatedKind.ReplicaSet)
    {
    }

    /// <summary>The condition a replica set gets when it cannot create or delete pods (ReplicaSetReplicaFailure).</summary>
    public const string ReplicaFailure = "ReplicaFailure";

    /// <summary>Creates or deletes pods until the replica set has spec.replicas, then writes its status. Idempotent.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Owners.Lister.Get(key.Namespace, key.Name) is not { } rs)
        {
            return;
        }

        var pods = OwnedPods(rs);
        var active = pods.Where(PodState.IsActive).ToList();
        var wanted = (int)(rs["spec"]?.AsObject().GetInt64("replicas") ?? 1);
        var diff = active.Count - wanted;
        ApiException? manageError = null;
        if (!rs.HasDeletionTimestamp())
        {
            try
            {
                if (diff < 0)
                {
                    await CreatePodsAsync(rs, -diff, cancellationToken);
                }
                else if (diff > 0)
                {
                    foreach (var pod in PodDeletionOrder.Pick(active, diff))
                    {
                        await DeletePodAsync(rs, pod, cancellationToken);
                    }
                }
            }
            catch (ApiException e)
            {
                // manageReplicas failed (admission refused a pod, say): reported as ReplicaFailure, then retried.
                manageError = e;
            }

            pods = OwnedPods(rs);
        }

        await UpdateStatusAsync(rs, pods, manageError is null ? null : (diff < 0 ? "FailedCreate" : "FailedDelete", manageError.Message), cancellationToken);
        if (manageError is not null)
        {
            ExceptionDispatchInfo.Throw(manageError);
        }
    }

    private async Task CreatePodsAsync(JsonObject rs, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await CreatePodAsync(rs, PodFromTemplate(rs, kind), cancellationToken);
        }
    }

    /// <summary>The pod a replica set makes: controller_utils' GetPodFromTemplate.</summary>
    internal static JsonObject PodFromTemplate(JsonObject rs, ReplicatedKind kind)
    {
        var template = rs["spec"]?["template"] as JsonObject;
        var templateMeta = template?["metadata"] as JsonObject;
        var meta = new JsonObject
        {
            ["generateName"] = rs.Name() + "-",
            ["namespace"] = rs.Namespace(),
        };
        foreach (var field in new[] { "labels", "annotations", "finalizers" })
        {
            if (templateMeta?[field] is { } value)
            {
                meta[field] = value.DeepClone();
            }
        }

        meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(rs, kind.ApiVersion, kind.Kind));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template?["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>
    /// calculateStatus: the counts, and the ReplicaFailure condition set from <paramref name="failure"/> (reason, message)
    /// when there is none yet, removed when creating and deleting pods went well.
    /// </summary>
    private async Task UpdateStatusAsync(JsonObject rs, List<JsonObject> pods, (string Reason, string Message)? failure, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var minReadySeconds = rs["spec"]?.AsObject().GetInt64("minReadySeconds") ?? 0;
        var templateLabels = ObjectMeta.StringMap(rs["spec"]?["template"]?["metadata"]?["labels"]);
        var active = pods.Where(PodState.IsActive).ToList();
        var fullyLabeled = active.Count(p => templateLabels.All(l => p.Labels().TryGetValue(l.Key, out var v) && v == l.Value));
        var ready = active.Count(PodState.IsReady);
        var available = active.Count(p => PodState.IsAvailable(p, minReadySeconds, now));
        if (PodState.NextAvailable(active, minReadySeconds, now) is { } next)
        {
            // Pods become available with time alone: look again when the first can.
            RequeueAt(NamespacedName.Of(rs), next);
        }

        var status = new JsonObject { ["replicas"] = active.Count };
        AddIfPositive(status, "fullyLabeledReplicas", fullyLabeled);
        AddIfPositive(status, "readyReplicas", ready);
        AddIfPositive(status, "availableReplicas", available);
        status["observedGeneration"] = rs.Metadata().GetInt64("generation") ?? 0;
        var conditions = rs["status"]?["conditions"] is JsonArray stored ? (JsonArray)stored.DeepClone() : [];
        var failureCondition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == ReplicaFailure);
        if (failure is { } f && failureCondition is null)
        {
            conditions.Add(new JsonObject
            {
                ["type"] = ReplicaFailure,
                ["status"] = "True",
                ["lastTransitionTime"] = ObjectMeta.FormatTime(now),
                ["reason"] = f.Reason,
                ["message"] = f.Message,
            });
        }
        else if (failure is null && failureCondition is not null)
        {
            conditions.Remove(failureCondition);
        }

        if (conditions.Count > 0)
        {
            status["conditions"] = conditions;
        }

        await WriteStatusAsync(rs, status, cancellationToken, keepConditions: false);
    }
}
