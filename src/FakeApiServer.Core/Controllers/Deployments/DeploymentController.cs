using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Deployments;

/// <summary>
/// kube-controller-manager's deployment controller: one replica set per pod template (named
/// "&lt;deployment&gt;-&lt;pod-template-hash&gt;"), rolled out with RollingUpdate (maxSurge, maxUnavailable) or Recreate,
/// revision annotations (deployment.kubernetes.io/revision, revision-history, desired-replicas, max-replicas), old
/// replica sets beyond revisionHistoryLimit deleted once a rollout completes, and the status (replicas,
/// updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas, observedGeneration, conditions Available,
/// Progressing with the progress deadline, ReplicaFailure from the replica sets). Orphaned replica sets the selector
/// matches are adopted and owned ones it no longer matches released. A change of spec.replicas (also through /scale)
/// resizes the one active replica set, or in the middle of a rollout spreads over the active ones in proportion
/// (<see cref="ProportionalScaling"/>); a paused deployment is only scaled. Rollbacks through the deprecated
/// rollbackTo annotation are not done (kubectl's rollout undo patches the template itself).
/// </summary>
internal sealed class DeploymentController(ControllerContext context) : Reconciler<NamespacedName>(context, "deployment")
{
    public const string Component = "deployment-controller";

    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";

    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";

    /// <summary>The longest revision-history annotation (sync.go's maxRevHistoryLengthInChars).</summary>
    private const int MaxRevisionHistoryLength = 2000;

    /// <summary>Annotations of a deployment that its replica sets do not get (skipCopyAnnotation).</summary>
    private static readonly HashSet<string> NotCopiedAnnotations = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        RevisionAnnotation,
        RevisionHistoryAnnotation,
        DesiredReplicasAnnotation,
        MaxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    };

    private ResourceStore Deployments => Context.Catalog.Get("apps", "deployments");

    private ResourceStore ReplicaSets => Context.Catalog.Get("apps", "replicasets");

    private static WriteOptions Writes => new(FieldManager: ReplicaSetController.FieldManager);

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.For("apps", "deployments").AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));
        informers.For("apps", "replicasets").AddHandler(e =>
        {
            // addReplicaSet, updateReplicaSet, deleteReplicaSet: the controller, the one before it, or (for an orphan
            // whose labels or controller changed) every deployment whose selector matches, so it can adopt.
            var owner = NamespacedName.ControllerOf(e.Object, "Deployment");
            if (owner is { } o)
            {
                Queue.Add(o);
            }

            if (e.Old is { } old && NamespacedName.ControllerOf(old, "Deployment") is { } previous && previous != owner)
            {
                Queue.Add(previous);
            }

            var orphan = OwnerReferences.ControllerOf(e.Object) is null;
            var changed = e.Old is null || !JsonNode.DeepEquals(e.Old.Metadata()["labels"], e.Object.Metadata()["labels"])
                || !JsonNode.DeepEquals(OwnerReferences.ControllerOf(e.Old), OwnerReferences.ControllerOf(e.Object));
            if (orphan && changed && e.Type != InformerEventType.Deleted)
            {
                foreach (var d in DeploymentsSelecting(e.Object))
                {
                    Queue.Add(NamespacedName.Of(d));
                }
            }
        });
    }

    /// <summary>
    /// One step of the deployment's rollout, then its status (syncDeployment): claim the replica sets, report a pause,
    /// then a scaling event or a paused deployment is only scaled (proportionally, mid-rollout), and otherwise the
    /// strategy takes a step. Idempotent.
    /// </summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Informers.For("apps", "deployments").Lister.Get(key.Namespace, key.Name) is not { } d)
        {
            return;
        }

        var rollout = new Rollout(d, await ClaimReplicaSetsAsync(d, cancellationToken));
        if (d.HasDeletionTimestamp())
        {
            await EnsureNewReplicaSetAsync(rollout, create: false, cancellationToken);
            await SyncStatusAsync(rollout, rolloutStatus: false, cancellationToken);
            return;
        }

        await CheckPausedConditionsAsync(rollout, cancellationToken);
        await EnsureNewReplicaSetAsync(rollout, create: false, cancellationToken);
        if (IsPaused(rollout.Deployment) || IsScalingEvent(rollout))
        {
            await SyncAsync(rollout, cancellationToken);
            return;
        }

        if (d.FieldString("spec.strategy.type") == "Recreate")
        {
            await RecreateAsync(rollout, cancellationToken);
        }
        else
        {
            await RollingUpdateAsync(rollout, cancellationToken);
        }
    }

    private static bool IsPaused(JsonObject d) => d["spec"]?["paused"] is JsonValue v && v.TryGetValue(out bool paused) && paused;

    /// <summary>The deployments of the replica set's namespace whose selector matches its labels (getDeploymentsForReplicaSet).</summary>
    private IEnumerable<JsonObject> DeploymentsSelecting(JsonObject rs) =>
        Informers.For("apps", "deployments").Lister.List(rs.Namespace())
            .Where(d => SelectorOf(d) is { IsNothing: false, IsEverything: false } selector && selector.Matches(rs.Labels()));

    private static LabelSelector? SelectorOf(JsonObject d)
    {
        try
        {
            return LabelSelector.FromLabelSelectorObject(d["spec"]?["selector"] as JsonObject);
        }
        catch (SelectorParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// getReplicaSetsForDeployment: the replica sets of the namespace the deployment controls, after adopting orphans its
    /// selector matches and releasing its own that it no longer matches (<see cref="ControllerRefManager"/>).
    /// </summary>
    private async Task<List<JsonObject>> ClaimReplicaSetsAsync(JsonObject d, CancellationToken cancellationToken)
    {
        var selector = SelectorOf(d) ?? throw new InvalidOperationException($"deployment {d.Namespace()}/{d.Name()} has invalid label selector");
        var manager = new ControllerRefManager(d, Deployments, "apps/v1", "Deployment", selector, ReplicaSets, Writes);
        var claimed = await manager.ClaimAsync(Informers.For("apps", "replicasets").Lister.List(d.Namespace()), cancellationToken);
        return claimed
            .OrderBy(PodState.CreatedAt)
            .ThenBy(rs => rs.Name(), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// checkPausedConditions: with a progress deadline, pausing sets Progressing Unknown (DeploymentPaused) and resuming
    /// Progressing Unknown (DeploymentResumed), so time spent paused does not count against the deadline.
    /// </summary>
    private async Task CheckPausedConditionsAsync(Rollout r, CancellationToken cancellationToken)
    {
        if (!HasProgressDeadline(r.Spec))
        {
            return;
        }

        var status = (JsonObject)(r.Deployment["status"]?.DeepClone() ?? new JsonObject());
        var current = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (current?.GetString("reason") == DeploymentConditions.ProgressDeadlineExceeded)
        {
            return;
        }

        var pausedBefore = current?.GetString("reason") == DeploymentConditions.DeploymentPaused;
        var paused = IsPaused(r.Deployment);
        if (paused == pausedBefore)
        {
            return;
        }

        DeploymentConditions.Set(status, paused
            ? DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentPaused, "Deployment is paused", Time.GetUtcNow())
            : DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentResumed, "Deployment is resumed", Time.GetUtcNow()));
        await WriteStatusAsync(r, status, cancellationToken);
    }

    /// <summary>isScalingEvent: an active replica set was sized for another spec.replicas (its desired-replicas annotation).</summary>
    private static bool IsScalingEvent(Rollout r) =>
        r.All.Where(rs => SpecReplicas(rs) > 0)
            .Any(rs => DesiredReplicas(rs) is { } desired && desired != r.Replicas);

    private static int? DesiredReplicas(JsonObject rs) =>
        ObjectMeta.StringMap(rs.Metadata()["annotations"]).TryGetValue(DesiredReplicasAnnotation, out var text)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>sync: scaling (a scaling event, a paused deployment), the clean-up of a paused one, then the plain status.</summary>
    private async Task SyncAsync(Rollout r, CancellationToken cancellationToken)
    {
        await ScaleProportionallyAsync(r, cancellationToken);
        if (IsPaused(r.Deployment))
        {
            await CleanupAsync(r, cancellationToken);
        }

        await SyncStatusAsync(r, rolloutStatus: false, cancellationToken);
    }

    /// <summary>
    /// scale: a single active replica set (or, with none, the newest) takes spec.replicas; a saturated new replica set
    /// leaves the old ones at zero; otherwise a rolling deployment spreads the change (<see cref="ProportionalScaling"/>).
    /// </summary>
    private async Task ScaleProportionallyAsync(Rollout r, CancellationToken cancellationToken)
    {
        var active = r.All.Where(rs => SpecReplicas(rs) > 0).ToList();
        var activeOrLatest = active.Count switch
        {
            0 => r.NewReplicaSet ?? r.Old.OrderByDescending(PodState.CreatedAt).ThenByDescending(rs => rs.Name(), StringComparer.Ordinal).FirstOrDefault(),
            1 => active[0],
            _ => null,
        };
        if (activeOrLatest is not null)
        {
            if (SpecReplicas(activeOrLatest) != r.Replicas)
            {
                await ScaleAsync(r, activeOrLatest, r.Replicas, cancellationToken);
            }

            return;
        }

        if (r.NewReplicaSet is { } newRs && IsSaturated(r, newRs))
        {
            foreach (var old in r.Old.Where(rs => SpecReplicas(rs) > 0).ToList())
            {
                await ScaleAsync(r, r.Latest(old), 0, cancellationToken);
            }

            return;
        }

        if (RollingUpdate.MaxSurge(r.Spec, r.Replicas) is var maxSurge && r.Deployment.FieldString("spec.strategy.type") != "Recreate")
        {
            var statusReplicas = Count(r.Deployment["status"] as JsonObject, "replicas");
            foreach (var (rs, size) in ProportionalScaling.Spread(active, r.Replicas, maxSurge, statusReplicas))
            {
                await ScaleAsync(r, r.Latest(rs), size, cancellationToken);
            }
        }
    }

    /// <summary>IsSaturated: the new replica set is sized for spec.replicas and has them all available.</summary>
    private static bool IsSaturated(Rollout r, JsonObject rs) =>
        SpecReplicas(rs) == r.Replicas && DesiredReplicas(rs) == r.Replicas && StatusCount(rs, "availableReplicas") == r.Replicas;

    private async Task RollingUpdateAsync(Rollout r, CancellationToken cancellationToken)
    {
        if (r.NewReplicaSet is null)
        {
            await EnsureNewReplicaSetAsync(r, create: true, cancellationToken);
        }

        if (r.NewReplicaSet is { } newRs)
        {
            var current = SpecReplicas(newRs);
            var target = current > r.Replicas
                ? r.Replicas
                : RollingUpdate.NewReplicaSetReplicas(r.Replicas, RollingUpdate.MaxSurge(r.Spec, r.Replicas), r.All.Sum(SpecReplicas), current);
            if (target != current && await ScaleAsync(r, newRs, target, cancellationToken))
            {
                await SyncStatusAsync(r, rolloutStatus: true, cancellationToken);
                return;
            }
        }

        if (await ScaleDownOldAsync(r, cancellationToken))
        {
            await SyncStatusAsync(r, rolloutStatus: true, cancellationToken);
            return;
        }

        if (IsComplete(r.Deployment, r.Deployment["status"] as JsonObject ?? []))
        {
            await CleanupAsync(r, cancellationToken);
        }

        await SyncStatusAsync(r, rolloutStatus: true, cancellationToken);
    }

    /// <summary>reconcileOldReplicaSets: unhealthy old pods first, then old pods while enough stay available.</summary>
    private async Task<bool> ScaleDownOldAsync(Rollout r, CancellationToken cancellationToken)
    {
        var old = r.Old.Where(rs => SpecReplicas(rs) > 0).ToList();
        if (old.Count == 0)
        {
            return false;
        }

        var maxUnavailable = RollingUpdate.MaxUnavailable(r.Spec, r.Replicas);
        var newUnavailable = r.NewReplicaSet is { } n ? SpecReplicas(n) - StatusCount(n, "availableReplicas") : 0;
        var maxScaledDown = RollingUpdate.MaxScaledDown(r.All.Sum(SpecReplicas), r.Replicas, maxUnavailable, newUnavailable);
        if (maxScaledDown <= 0)
        {
            return false;
        }

        var scaled = false;
        var cleaned = 0;
        foreach (var rs in old)
        {
            if (cleaned >= maxScaledDown)
            {
                break;
            }

            var unhealthy = SpecReplicas(rs) - StatusCount(rs, "availableReplicas");
            if (unhealthy <= 0)
            {
                continue;
            }

            var count = Math.Min(maxScaledDown - cleaned, unhealthy);
            scaled |= await ScaleAsync(r, r.Latest(rs), SpecReplicas(r.Latest(rs)) - count, cancellationToken);
            cleaned += count;
        }

        var minAvailable = r.Replicas - maxUnavailable;
        var available = r.All.Sum(rs => StatusCount(rs, "availableReplicas"));
        if (available > minAvailable)
        {
            var total = available - minAvailable;
            var done = 0;
            foreach (var rs in r.Old.Select(r.Latest).Where(rs => SpecReplicas(rs) > 0).ToList())
            {
                if (done >= total)
                {
                    break;
                }

                var count = Math.Min(SpecReplicas(rs), total - done);
                scaled |= await ScaleAsync(r, rs, SpecReplicas(rs) - count, cancellationToken);
                done += count;
            }
        }

        return scaled;
    }

    private async Task RecreateAsync(Rollout r, CancellationToken cancellationToken)
    {
        var scaledDown = false;
        foreach (var rs in r.Old.Where(rs => SpecReplicas(rs) > 0).ToList())
        {
            scaledDown |= await ScaleAsync(r, rs, 0, cancellationToken);
        }

        if (scaledDown || r.Old.Any(rs => StatusCount(rs, "replicas") > 0) || OldPodsRunning(r))
        {
            await SyncStatusAsync(r, rolloutStatus: true, cancellationToken);
            return;
        }

        if (r.NewReplicaSet is null)
        {
            await EnsureNewReplicaSetAsync(r, create: true, cancellationToken);
        }

        if (r.NewReplicaSet is { } newRs)
        {
            await ScaleAsync(r, newRs, r.Replicas, cancellationToken);
        }

        if (IsComplete(r.Deployment, r.Deployment["status"] as JsonObject ?? []))
        {
            await CleanupAsync(r, cancellationToken);
        }

        await SyncStatusAsync(r, rolloutStatus: true, cancellationToken);
    }

    private bool OldPodsRunning(Rollout r)
    {
        var oldUids = r.Old.Select(rs => rs.Uid()).ToHashSet(StringComparer.Ordinal);
        return Informers.Pods.Lister.List(r.Deployment.Namespace())
            .Any(p => OwnerReferences.ControllerOf(p)?.GetString("uid") is { } uid && oldUids.Contains(uid) && !PodState.IsTerminal(p));
    }

    /// <summary>
    /// getNewReplicaSet: finds the replica set of the current template (bringing its revision and annotations up to date)
    /// or, when <paramref name="create"/>, creates it; a name taken by another template bumps status.collisionCount.
    /// </summary>
    private async Task EnsureNewReplicaSetAsync(Rollout r, bool create, CancellationToken cancellationToken)
    {
        var d = r.Deployment;
        var template = d["spec"]?["template"] as JsonObject;
        var existing = r.All.FirstOrDefault(rs => PodTemplateHash.EqualIgnoreHash(rs["spec"]?["template"] as JsonObject, template));
        var newRevision = r.All.Where(rs => rs != existing).Select(Revision).DefaultIfEmpty(0).Max() + 1;
        var maxSurge = RollingUpdate.MaxSurge(r.Spec, r.Replicas);
        if (existing is not null)
        {
            r.SetNew(existing);
            var copy = (JsonObject)existing.DeepClone();
            var changed = SetReplicaSetAnnotations(d, copy, newRevision, replicas: null, maxSurge);
            var minReady = d["spec"]?["minReadySeconds"];
            if (!JsonNode.DeepEquals(copy["spec"]?["minReadySeconds"], minReady))
            {
                ((JsonObject)copy["spec"]!)["minReadySeconds"] = minReady?.DeepClone();
                changed = true;
            }

            if (changed)
            {
                r.Replace(await UpdateReplicaSetAsync(copy, cancellationToken));
            }

            if (d["status"] is not JsonObject status || DeploymentConditions.Get(status, DeploymentConditions.Progressing) is null)
            {
                r.PendingCondition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewReplicaSet,
                    $"Found new replica set \"{existing.Name()}\"", Time.GetUtcNow());
            }

            await SetDeploymentRevisionAsync(r, cancellationToken);
            return;
        }

        if (!create)
        {
            return;
        }

        var collisionCount = d["status"]?["collisionCount"] is { } cc ? ObjectMeta.AsInt64(cc) : null;
        var hash = PodTemplateHash.Compute(template, collisionCount);
        var rsTemplate = (JsonObject)(template?.DeepClone() ?? new JsonObject());
        var templateMeta = rsTemplate["metadata"] as JsonObject ?? [];
        rsTemplate["metadata"] = templateMeta;
        var labels = templateMeta["labels"] as JsonObject ?? [];
        templateMeta["labels"] = labels;
        labels[PodTemplateHash.Label] = hash;
        var selector = (JsonObject)(d["spec"]?["selector"]?.DeepClone() ?? new JsonObject());
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        selector["matchLabels"] = matchLabels;
        matchLabels[PodTemplateHash.Label] = hash;
        var name = d.Name() + "-" + hash;
        var replicas = d.FieldString("spec.strategy.type") == "Recreate"
            ? r.Replicas
            : RollingUpdate.NewReplicaSetReplicas(r.Replicas, maxSurge, r.All.Sum(SpecReplicas), 0);
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = d.Namespace(),
                ["labels"] = labels.DeepClone(),
                ["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(d, "apps/v1", "Deployment")),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["minReadySeconds"] = d["spec"]?["minReadySeconds"]?.DeepClone() ?? 0,
                ["selector"] = selector,
                ["template"] = rsTemplate,
            },
        };
        SetReplicaSetAnnotations(d, rs, newRevision, r.Replicas, maxSurge);
        if (d["spec"]?["minReadySeconds"] is null)
        {
            ((JsonObject)rs["spec"]!).Remove("minReadySeconds");
        }

        try
        {
            var created = ObjectJson.Parse((await ReplicaSets.CreateAsync(d.Namespace(), rs, Writes, cancellationToken)).Value);
            r.AddNew(created);
            if (replicas > 0)
            {
                await Context.Events.RecordAsync(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {name} to {replicas} from 0", Component, cancellationToken);
            }

            r.PendingCondition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated,
                $"Created new replica set \"{name}\"", Time.GetUtcNow());
            await SetDeploymentRevisionAsync(r, cancellationToken);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            if (ReplicaSets.TryGet(d.Namespace(), name) is { } taken && OwnerReferences.IsControlledBy(ObjectJson.Parse(taken.Value), "Deployment", d.Uid()))
            {
                // Ours, made by an earlier pass that this one did not see yet: the next pass uses it.
                Queue.Add(NamespacedName.Of(d));
                return;
            }

            await Deployments.UpdateAsync(d.Namespace(), d.Name(), current =>
            {
                r.ConditionOnReadVersion(current);
                var status = current["status"] as JsonObject ?? [];
                current["status"] = status;
                status["collisionCount"] = (collisionCount ?? 0) + 1;
                return current;
            }, Deployments.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
        }
    }

    /// <summary>
    /// SetNewReplicaSetAnnotations: the deployment's annotations and the revision; the replicas annotations too for a replica
    /// set about to be created (<paramref name="replicas"/> set). True when anything changed.
    /// </summary>
    private static bool SetReplicaSetAnnotations(JsonObject d, JsonObject rs, long newRevision, int? replicas, int maxSurge)
    {
        var meta = rs.Metadata();
        var annotations = meta["annotations"] as JsonObject ?? [];
        var before = annotations.DeepClone();
        foreach (var (k, v) in ObjectMeta.StringMap(d.Metadata()["annotations"]).Where(a => !NotCopiedAnnotations.Contains(a.Key)))
        {
            annotations[k] = v;
        }

        var oldRevision = Revision(rs);
        if (oldRevision < newRevision)
        {
            if (annotations[RevisionAnnotation] is not null)
            {
                // Rolled back to: the numbers this replica set had before are kept (within 2000 characters).
                annotations[RevisionHistoryAnnotation] = AppendRevisionHistory(
                    annotations[RevisionHistoryAnnotation]?.GetValue<string>() ?? "", oldRevision.ToString(CultureInfo.InvariantCulture));
            }

            annotations[RevisionAnnotation] = newRevision.ToString(CultureInfo.InvariantCulture);
        }

        if (replicas is { } desired)
        {
            annotations[DesiredReplicasAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
            annotations[MaxReplicasAnnotation] = (desired + maxSurge).ToString(CultureInfo.InvariantCulture);
        }

        meta["annotations"] = annotations;
        return !JsonNode.DeepEquals(before, annotations);
    }

    /// <summary>SetNewReplicaSetAnnotations' revision history: the oldest entries dropped to stay within maxRevHistoryLengthInChars.</summary>
    private static string? AppendRevisionHistory(string history, string revision)
    {
        if (history.Length == 0)
        {
            return revision;
        }

        var entries = history.Split(',').ToList();
        var totalLength = history.Length + revision.Length + 1;
        while (totalLength > MaxRevisionHistoryLength && entries.Count > 0)
        {
            totalLength -= entries[0].Length + 1;
            entries.RemoveAt(0);
        }

        return totalLength <= MaxRevisionHistoryLength ? string.Join(',', entries.Append(revision)) : history;
    }

    private async Task SetDeploymentRevisionAsync(Rollout r, CancellationToken cancellationToken)
    {
        var revision = r.NewReplicaSet is { } rs ? rs.Metadata()["annotations"]?[RevisionAnnotation]?.GetValue<string>() : null;
        if (revision is null || r.Deployment.Metadata()["annotations"]?[RevisionAnnotation]?.GetValue<string>() == revision)
        {
            return;
        }

        var updated = await Deployments.UpdateAsync(r.Deployment.Namespace(), r.Deployment.Name(), current =>
        {
            r.ConditionOnReadVersion(current);
            var annotations = current.Metadata()["annotations"] as JsonObject ?? [];
            annotations[RevisionAnnotation] = revision;
            current.Metadata()["annotations"] = annotations;
            return current;
        }, Deployments.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
        r.Deployment = ObjectJson.Parse(updated.Value);
    }

    /// <summary>scaleReplicaSet: sets spec.replicas and the replicas annotations; an event when the size changes. True when written.</summary>
    private async Task<bool> ScaleAsync(Rollout r, JsonObject rs, int replicas, CancellationToken cancellationToken)
    {
        var copy = (JsonObject)rs.DeepClone();
        var from = SpecReplicas(rs);
        var annotations = copy.Metadata()["annotations"] as JsonObject ?? [];
        copy.Metadata()["annotations"] = annotations;
        annotations[DesiredReplicasAnnotation] = r.Replicas.ToString(CultureInfo.InvariantCulture);
        annotations[MaxReplicasAnnotation] = (r.Replicas + RollingUpdate.MaxSurge(r.Spec, r.Replicas)).ToString(CultureInfo.InvariantCulture);
        ((JsonObject)copy["spec"]!)["replicas"] = replicas;
        if (JsonNode.DeepEquals(copy, rs))
        {
            return false;
        }

        r.Replace(await UpdateReplicaSetAsync(copy, cancellationToken));
        if (from != replicas)
        {
            var direction = replicas > from ? "up" : "down";
            await Context.Events.RecordAsync(r.Deployment, "Normal", "ScalingReplicaSet", $"Scaled {direction} replica set {rs.Name()} to {replicas} from {from}", Component, cancellationToken);
        }

        return from != replicas;
    }

    private async Task<JsonObject> UpdateReplicaSetAsync(JsonObject rs, CancellationToken cancellationToken)
    {
        var updated = await ReplicaSets.UpdateAsync(rs.Namespace(), rs.Name(), _ => (JsonObject)rs.DeepClone(), ReplicaSets.Definition.Strategy, Writes, cancellationToken);
        return ObjectJson.Parse(updated.Value);
    }

    /// <summary>cleanupDeployment: old replica sets without pods beyond revisionHistoryLimit (default 10), oldest revision first.</summary>
    private async Task CleanupAsync(Rollout r, CancellationToken cancellationToken)
    {
        var limit = r.Spec.GetInt64("revisionHistoryLimit") ?? 10;
        var cleanable = r.Old
            .Where(rs => !rs.HasDeletionTimestamp() && SpecReplicas(rs) == 0 && StatusCount(rs, "replicas") == 0
                && (rs.Metadata().GetInt64("generation") ?? 0) <= (rs["status"]?.AsObject().GetInt64("observedGeneration") ?? 0))
            .OrderBy(Revision)
            .ToList();
        foreach (var rs in cleanable.Take(Math.Max(0, cleanable.Count - (int)limit)))
        {
            try
            {
                await ReplicaSets.DeleteAsync(rs.Namespace(), rs.Name(), new DeleteOptions { PreconditionUid = rs.Uid(), PropagationPolicy = DeletionPropagation.Background }, cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
            }
        }
    }

    /// <summary>
    /// calculateStatus, then (with <paramref name="rolloutStatus"/>) syncRolloutStatus: counts from the replica sets and
    /// Available; for a rollout also Progressing and the ReplicaFailure of a replica set (the new one's first). An
    /// unchanged rollout status arms the progress-deadline check (requeueStuckDeployment).
    /// </summary>
    private async Task SyncStatusAsync(Rollout r, bool rolloutStatus, CancellationToken cancellationToken)
    {
        var d = r.Deployment;
        var oldStatus = d["status"] as JsonObject ?? [];
        var now = Time.GetUtcNow();
        var available = r.All.Sum(rs => StatusCount(rs, "availableReplicas"));
        var total = r.All.Sum(SpecReplicas);
        var status = new JsonObject { ["observedGeneration"] = d.Metadata().GetInt64("generation") ?? 0 };
        AddIfPositive(status, "replicas", r.All.Sum(rs => StatusCount(rs, "replicas")));
        AddIfPositive(status, "updatedReplicas", r.NewReplicaSet is { } n ? StatusCount(n, "replicas") : 0);
        AddIfPositive(status, "readyReplicas", r.All.Sum(rs => StatusCount(rs, "readyReplicas")));
        AddIfPositive(status, "availableReplicas", available);
        AddIfPositive(status, "unavailableReplicas", Math.Max(0, total - available));
        if (oldStatus["conditions"] is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }

        if (oldStatus["collisionCount"] is { } collisions)
        {
            status["collisionCount"] = collisions.DeepClone();
        }

        if (r.PendingCondition is { } pending)
        {
            DeploymentConditions.Set(status, pending);
        }

        DeploymentConditions.Set(status, available >= r.Replicas - RollingUpdate.MaxUnavailable(r.Spec, r.Replicas)
            ? DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now)
            : DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
        if (rolloutStatus)
        {
            SetProgressing(r, oldStatus, status, now);
            if (ReplicaFailure(r) is { } failure)
            {
                DeploymentConditions.Set(status, failure);
            }
            else
            {
                DeploymentConditions.Remove(status, DeploymentConditions.ReplicaFailure);
            }
        }

        if (JsonNode.DeepEquals(status, oldStatus))
        {
            if (rolloutStatus)
            {
                RequeueStuck(r, status, now);
            }

            return;
        }

        await WriteStatusAsync(r, status, cancellationToken);
    }

    /// <summary>Writes <paramref name="status"/> through deployments/status and keeps what was written.</summary>
    private async Task WriteStatusAsync(Rollout r, JsonObject status, CancellationToken cancellationToken)
    {
        var d = r.Deployment;
        var updated = await Deployments.UpdateAsync(d.Namespace(), d.Name(), current =>
        {
            r.ConditionOnReadVersion(current);
            current["status"] = status.DeepClone();
            return current;
        }, Deployments.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
        r.Deployment = ObjectJson.Parse(updated.Value);
    }

    /// <summary>
    /// getReplicaFailures: the ReplicaFailure condition of the new replica set, else of any other, as a deployment
    /// condition (its lastUpdateTime is the replica set condition's lastTransitionTime).
    /// </summary>
    private static JsonObject? ReplicaFailure(Rollout r)
    {
        var candidates = r.NewReplicaSet is { } newRs ? r.All.Where(rs => rs.Uid() == newRs.Uid()).Concat(r.Old) : r.All;
        var failure = candidates
            .SelectMany(rs => rs["status"]?["conditions"] is JsonArray c ? c.OfType<JsonObject>() : [])
            .FirstOrDefault(c => c.GetString("type") == DeploymentConditions.ReplicaFailure);
        return failure is null ? null : new JsonObject
        {
            ["type"] = DeploymentConditions.ReplicaFailure,
            ["status"] = failure["status"]?.DeepClone(),
            ["lastUpdateTime"] = failure["lastTransitionTime"]?.DeepClone(),
            ["lastTransitionTime"] = failure["lastTransitionTime"]?.DeepClone(),
            ["reason"] = failure["reason"]?.DeepClone(),
            ["message"] = failure["message"]?.DeepClone(),
        };
    }

    /// <summary>
    /// requeueStuckDeployment: a rollout with a deadline that neither completed nor timed out is looked at again a second
    /// after its Progressing condition's lastUpdateTime plus progressDeadlineSeconds, when it may have timed out.
    /// </summary>
    private void RequeueStuck(Rollout r, JsonObject status, DateTimeOffset now)
    {
        var current = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (!HasProgressDeadline(r.Spec) || current is null || IsComplete(r.Deployment, status)
            || current.GetString("reason") == DeploymentConditions.ProgressDeadlineExceeded
            || current.GetString("lastUpdateTime") is not { } updated)
        {
            return;
        }

        var after = DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture).AddSeconds(r.Spec.GetInt64("progressDeadlineSeconds")!.Value) - now;
        RequeueAfter(NamespacedName.Of(r.Deployment), after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1));
    }

    /// <summary>HasProgressDeadline: progressDeadlineSeconds set and not the "never" value (MaxInt32).</summary>
    private static bool HasProgressDeadline(JsonObject spec) => spec.GetInt64("progressDeadlineSeconds") is { } deadline && deadline != int.MaxValue;

    private static void SetProgressing(Rollout r, JsonObject oldStatus, JsonObject status, DateTimeOffset now)
    {
        var d = r.Deployment;
        if (!HasProgressDeadline(r.Spec))
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
            return;
        }

        var deadline = r.Spec.GetInt64("progressDeadlineSeconds")!.Value;

        var current = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        var completeBefore = Count(status, "replicas") == Count(status, "updatedReplicas")
            && current?.GetString("reason") == DeploymentConditions.NewReplicaSetAvailable;
        if (completeBefore)
        {
            return;
        }

        var subject = r.NewReplicaSet is { } rs ? $"ReplicaSet \"{rs.Name()}\"" : $"Deployment \"{d.Name()}\"";
        if (IsComplete(d, status))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable,
                subject + " has successfully progressed.", now));
        }
        else if (IsProgressing(oldStatus, status))
        {
            var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, subject + " is progressing.", now);
            if (current?.GetString("status") == "True")
            {
                condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
            }

            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
            DeploymentConditions.Set(status, condition);
        }
        else if (current is not null && current.GetString("reason") != DeploymentConditions.NewReplicaSetAvailable
            && (current.GetString("reason") == DeploymentConditions.ProgressDeadlineExceeded
                || (current.GetString("lastUpdateTime") is { } updated
                    && DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture).AddSeconds(deadline) < now)))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.ProgressDeadlineExceeded,
                subject + " has timed out progressing.", now));
        }
    }

    /// <summary>DeploymentComplete: every desired replica updated and available, at the current generation.</summary>
    private static bool IsComplete(JsonObject d, JsonObject status)
    {
        var replicas = d["spec"]?.AsObject().GetInt64("replicas") ?? 1;
        return Count(status, "updatedReplicas") == replicas && Count(status, "replicas") == replicas
            && Count(status, "availableReplicas") == replicas
            && (status.GetInt64("observedGeneration") ?? 0) >= (d.Metadata().GetInt64("generation") ?? 0);
    }

    /// <summary>DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than the stored status says.</summary>
    private static bool IsProgressing(JsonObject oldStatus, JsonObject status) =>
        Count(status, "updatedReplicas") > Count(oldStatus, "updatedReplicas")
        || Count(status, "replicas") - Count(status, "updatedReplicas") < Count(oldStatus, "replicas") - Count(oldStatus, "updatedReplicas")
        || Count(status, "readyReplicas") > Count(oldStatus, "readyReplicas")
        || Count(status, "availableReplicas") > Count(oldStatus, "availableReplicas");

    private static int SpecReplicas(JsonObject rs) => (int)(rs["spec"]?.AsObject().GetInt64("replicas") ?? 1);

    /// <summary>A count in an object's status (replica sets).</summary>
    private static int StatusCount(JsonObject obj, string field) => Count(obj["status"] as JsonObject, field);

    /// <summary>A count in a status object (0 when omitted, as upstream's omitempty counts are).</summary>
    private static int Count(JsonObject? status, string field) => (int)(status?.GetInt64(field) ?? 0);

    private static long Revision(JsonObject rs) =>
        rs.Metadata()["annotations"]?[RevisionAnnotation] is JsonValue v && v.TryGetValue(out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    private static void AddIfPositive(JsonObject status, string field, int value)
    {
        if (value > 0)
        {
            status[field] = value;
        }
    }

    /// <summary>What one reconcile knows: the deployment and its replica sets, kept current as it writes them.</summary>
    private sealed class Rollout(JsonObject deployment, List<JsonObject> replicaSets)
    {
        public JsonObject Deployment { get; set; } = deployment;

        public JsonObject Spec => Deployment["spec"] as JsonObject ?? [];

        public int Replicas => (int)(Spec.GetInt64("replicas") ?? 1);

        public List<JsonObject> All { get; } = replicaSets;

        public JsonObject? NewReplicaSet { get; private set; }

        public IEnumerable<JsonObject> Old => All.Where(rs => NewReplicaSet is null || rs.Uid() != NewReplicaSet.Uid());

        /// <summary>A Progressing condition to write with the status (a new replica set was created or found).</summary>
        public JsonObject? PendingCondition { get; set; }

        public void SetNew(JsonObject rs) => NewReplicaSet = rs;

        /// <summary>
        /// Makes a write of the deployment conditional on the version this sync read (or last wrote itself), as upstream
        /// updates the lister's copy: a deployment changed meanwhile (a new template) is a conflict and a new sync, never
        /// a revision or status computed for a template the sync did not see.
        /// </summary>
        public void ConditionOnReadVersion(JsonObject current) =>
            current.Metadata()["resourceVersion"] = Deployment.Metadata()["resourceVersion"]?.DeepClone();

        public void AddNew(JsonObject rs)
        {
            All.Add(rs);
            NewReplicaSet = rs;
        }

        public JsonObject Latest(JsonObject rs) => All.First(x => x.Uid() == rs.Uid());

        public void Replace(JsonObject rs)
        {
            var i = All.FindIndex(x => x.Uid() == rs.Uid());
            All[i] = rs;
            if (NewReplicaSet?.Uid() == rs.Uid())
            {
                NewReplicaSet = rs;
            }
        }
    }
}
