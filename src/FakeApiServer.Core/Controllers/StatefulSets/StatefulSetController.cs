using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Deployments;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.History;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Workloads;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.StatefulSets;

/// <summary>
/// kube-controller-manager's statefulset controller: keeps the set's ControllerRevisions (<see cref="RevisionHistory"/>),
/// makes and deletes its pods in the order <see cref="StatefulSetPlan"/> decides, each pod with its identity and claims
/// (<see cref="StatefulSetIdentity"/>), hands the claims of scaled-down pods to the pods when
/// persistentVolumeClaimRetentionPolicy.whenScaled is Delete (so the garbage collector deletes them with the pod), and
/// reports replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas, the current and update
/// revisions, collisionCount and observedGeneration through statefulsets/status. Orphans are not adopted.
/// </summary>
internal sealed class StatefulSetController(ControllerContext context)
    : WorkloadController(context, "statefulset", "apps", "statefulsets", "StatefulSet", Component)
{
    /// <summary>The reporting component of the events, as upstream.</summary>
    public const string Component = "statefulset-controller";

    private readonly RevisionHistory _history = new(context.Catalog, context.Informers, FieldManager);

    private ResourceStore Claims => Context.Catalog.Get("", "persistentvolumeclaims");

    /// <summary>One pass of updateStatefulSet: revisions, the planned creates and deletes, status, history. Idempotent.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Owners.Lister.Get(key.Namespace, key.Name) is not { } set || set.HasDeletionTimestamp())
        {
            return;
        }

        var revisions = _history.Owned(set, Kind);
        var (update, collisionCount) = await _history.EnsureUpdateRevisionAsync(
            set, Kind, revisions, count => PodTemplateHash.HashOf(ControllerRevisions.TemplatePatch(set), count), cancellationToken);
        var currentName = set["status"]?.AsObject().GetString("currentRevision");
        var current = revisions.FirstOrDefault(r => r.Name() == currentName) ?? update;

        var spec = SpecOf(set, update.Name());
        var pods = SetPods(set);
        var now = Time.GetUtcNow();
        var minReadySeconds = set["spec"]?.AsObject().GetInt64("minReadySeconds") ?? 0;
        foreach (var step in StatefulSetPlan.Decide(spec, pods.Select(p => Describe(set, p, minReadySeconds, now)).ToList()))
        {
            switch (step)
            {
                case StatefulSetStep.Create create:
                    var useCurrent = spec.RollingUpdate && create.Ordinal - spec.Start < spec.Partition;
                    var revision = useCurrent ? current : update;
                    var template = useCurrent ? ControllerRevisions.TemplateOf(current) : set["spec"]?["template"] as JsonObject ?? [];
                    await CreatePodAsync(set, StatefulSetIdentity.NewPod(set, template, create.Ordinal, revision.Name()), create.Ordinal, cancellationToken);
                    break;
                case StatefulSetStep.Delete delete:
                    await DeletePodAsync(set, spec, pods.First(p => p.Name() == delete.Pod.Name), cancellationToken);
                    break;
            }
        }

        pods = SetPods(set);
        await UpdateStatusAsync(set, pods, current.Name(), update.Name(), collisionCount, minReadySeconds, now, cancellationToken);
        var live = pods.Select(ControllerRevisions.HashOf).Append(current.Name()).Append(update.Name()).ToHashSet(StringComparer.Ordinal);
        await _history.TruncateAsync(revisions, live, set["spec"]?.AsObject().GetInt64("revisionHistoryLimit") ?? 10, cancellationToken);
    }

    private static StatefulSetPlan.Spec SpecOf(JsonObject set, string updateRevision)
    {
        var spec = set["spec"] as JsonObject ?? [];
        var replicas = (int)(spec.GetInt64("replicas") ?? 1);
        var rolling = spec["updateStrategy"]?["rollingUpdate"];
        return new StatefulSetPlan.Spec(
            Start: (int)(spec["ordinals"]?.AsObject().GetInt64("start") ?? 0),
            Replicas: replicas,
            OrderedReady: spec.GetString("podManagementPolicy") != "Parallel",
            RollingUpdate: (spec["updateStrategy"]?.AsObject().GetString("type") ?? "RollingUpdate") == "RollingUpdate",
            Partition: (int)(rolling?.AsObject().GetInt64("partition") ?? 0),
            MaxUnavailable: rolling?["maxUnavailable"] is { } max ? RollingUpdate.Scaled(max, replicas, roundUp: false, 1) : null,
            UpdateRevision: updateRevision);
    }

    private static StatefulPod Describe(JsonObject set, JsonObject pod, long minReadySeconds, DateTimeOffset now) => new(
        pod.Name(),
        StatefulSetIdentity.OrdinalOf(set.Name(), pod.Name()) ?? -1,
        ControllerRevisions.HashOf(pod),
        pod.HasDeletionTimestamp(),
        IsRunningAndReady(pod) && !pod.HasDeletionTimestamp() && PodState.IsAvailable(pod, minReadySeconds, now),
        PodState.IsTerminal(pod));

    private static bool IsRunningAndReady(JsonObject pod) => pod.FieldString("status.phase") == "Running" && PodState.IsReady(pod);

    /// <summary>The set's pods: those it controls that carry one of its ordinal names.</summary>
    private List<JsonObject> SetPods(JsonObject set) =>
        OwnedPods(set)
            .Where(p => StatefulSetIdentity.OrdinalOf(set.Name(), p.Name()) is not null)
            .ToList();

    private async Task CreatePodAsync(JsonObject set, JsonObject pod, int ordinal, CancellationToken cancellationToken)
    {
        foreach (var claim in StatefulSetIdentity.NewClaims(set, ordinal))
        {
            if (Claims.TryGet(set.Namespace(), claim.Name()) is not null)
            {
                continue;
            }

            try
            {
                await Claims.CreateAsync(set.Namespace(), claim, Writes, cancellationToken);
                await Context.Events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Claim {claim.Name()} Pod {pod.Name()} in StatefulSet {set.Name()} success", Component, cancellationToken);
            }
            catch (ApiException e) when (e.Code != 409)
            {
                await Context.Events.RecordAsync(set, "Warning", "FailedCreate", $"create Claim {claim.Name()} for Pod {pod.Name()} in StatefulSet {set.Name()} failed error: {e.Message}", Component, cancellationToken);
                throw;
            }
        }

        try
        {
            await Pods.CreateAsync(set.Namespace(), pod, Writes, cancellationToken);
            await Context.Events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Pod {pod.Name()} in StatefulSet {set.Name()} successful", Component, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // A pod of that name exists (not yet seen, or being deleted): its own event brings the set back.
        }
        catch (ApiException e)
        {
            await Context.Events.RecordAsync(set, "Warning", "FailedCreate", $"create Pod {pod.Name()} in StatefulSet {set.Name()} failed error: {e.Message}", Component, cancellationToken);
            throw;
        }
    }

    private async Task DeletePodAsync(JsonObject set, StatefulSetPlan.Spec spec, JsonObject pod, CancellationToken cancellationToken)
    {
        var ordinal = StatefulSetIdentity.OrdinalOf(set.Name(), pod.Name()) ?? -1;
        var scaledDown = ordinal < spec.Start || ordinal >= spec.Start + spec.Replicas;
        if (scaledDown && set.FieldString("spec.persistentVolumeClaimRetentionPolicy.whenScaled") == "Delete")
        {
            await HandClaimsToPodAsync(set, pod, ordinal, cancellationToken);
        }

        try
        {
            await Pods.DeleteAsync(pod.Namespace(), pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken);
            await Context.Events.RecordAsync(set, "Normal", "SuccessfulDelete", $"delete Pod {pod.Name()} in StatefulSet {set.Name()} successful", Component, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone or replaced meanwhile.
        }
    }

    /// <summary>updateClaimOwnerRefForSetAndPod for a scaled-down pod with whenScaled Delete: the pod, not the set, owns its claims.</summary>
    private async Task HandClaimsToPodAsync(JsonObject set, JsonObject pod, int ordinal, CancellationToken cancellationToken)
    {
        foreach (var claimTemplate in StatefulSetIdentity.ClaimTemplates(set))
        {
            var name = StatefulSetIdentity.ClaimName(claimTemplate.Metadata().GetString("name") ?? "", set.Name(), ordinal);
            if (Claims.TryGet(set.Namespace(), name) is null)
            {
                continue;
            }

            await Claims.UpdateAsync(set.Namespace(), name, claim =>
            {
                var refs = new JsonArray(OwnerReferences.Of(claim)
                    .Where(r => r.GetString("uid") != set.Uid() && r.GetString("uid") != pod.Uid())
                    .Select(r => (JsonNode)r.DeepClone())
                    .Append(OwnerReferences.NewControllerRef(pod, "v1", "Pod"))
                    .ToArray());
                claim.Metadata()["ownerReferences"] = refs;
                return claim;
            }, Claims.Definition.Strategy, Writes, cancellationToken);
        }
    }

    private async Task UpdateStatusAsync(
        JsonObject set, List<JsonObject> pods, string currentRevision, string updateRevision, long? collisionCount, long minReadySeconds,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        int ready = 0, available = 0, current = 0, updated = 0;
        foreach (var pod in pods)
        {
            if (IsRunningAndReady(pod))
            {
                ready++;
                available += PodState.IsAvailable(pod, minReadySeconds, now) ? 1 : 0;
            }

            if (!pod.HasDeletionTimestamp())
            {
                current += ControllerRevisions.HashOf(pod) == currentRevision ? 1 : 0;
                updated += ControllerRevisions.HashOf(pod) == updateRevision ? 1 : 0;
            }
        }

        if (PodState.NextAvailable(pods.Where(IsRunningAndReady), minReadySeconds, now) is { } next)
        {
            RequeueAt(NamespacedName.Of(set), next);
        }

        // completeRollingUpdate: once every pod is updated and ready, the update revision becomes the current one.
        var rolling = (set["spec"]?["updateStrategy"]?.AsObject().GetString("type") ?? "RollingUpdate") == "RollingUpdate";
        if (rolling && updated == pods.Count && ready == pods.Count)
        {
            current = updated;
            currentRevision = updateRevision;
        }

        var status = new JsonObject { ["observedGeneration"] = set.Metadata().GetInt64("generation") ?? 0, ["replicas"] = pods.Count };
        AddIfPositive(status, "readyReplicas", ready);
        AddIfPositive(status, "currentReplicas", current);
        AddIfPositive(status, "updatedReplicas", updated);
        status["currentRevision"] = currentRevision;
        status["updateRevision"] = updateRevision;
        if (collisionCount is { } count)
        {
            status["collisionCount"] = count;
        }

        status["availableReplicas"] = available;
        await WriteStatusAsync(set, status, cancellationToken);
    }
}
