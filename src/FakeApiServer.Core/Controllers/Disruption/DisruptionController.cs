using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Disruption;

/// <summary>
/// kube-controller-manager's disruption controller: keeps each PodDisruptionBudget's status up to date from the pods its
/// selector matches. expectedPods is the number of matching pods for an integer minAvailable, else the summed scale of
/// their controllers (ReplicationController, Deployment through its ReplicaSet, ReplicaSet, StatefulSet); desiredHealthy
/// is minAvailable (a percentage of expectedPods, rounded up) or expectedPods minus maxUnavailable; currentHealthy counts
/// ready pods that are neither being deleted nor recently evicted (status.disruptedPods, for two minutes);
/// disruptionsAllowed is currentHealthy − desiredHealthy, never below 0 and 0 without expected pods. The
/// DisruptionAllowed condition says SufficientPods or InsufficientPods; when the expected count cannot be computed (a
/// pod whose controller is not one of those) the budget fails safe: no disruption allowed, reason SyncFailed.
/// </summary>
internal sealed partial class DisruptionController(ControllerContext context) : Reconciler<NamespacedName>(context, "disruption")
{
    /// <summary>upstream's DeletionTimeout: how long an evicted pod is not counted while it has not gone.</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    public const string ConditionType = "DisruptionAllowed";

    private const string Component = "controllermanager";

    private SharedInformer Budgets => Informers.For("policy", "poddisruptionbudgets");

    private ResourceStore BudgetStore => Context.Catalog.Get("policy", "poddisruptionbudgets");

    protected override void Watch(SharedInformerFactory informers)
    {
        Budgets.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted)
            {
                Queue.Add(NamespacedName.Of(e.Object));
            }
        });
        informers.Pods.AddHandler(e =>
        {
            foreach (var budget in BudgetsOf(e.Object).Concat(e.Old is { } old ? BudgetsOf(old) : []))
            {
                Queue.Add(NamespacedName.Of(budget));
            }
        });

        // Listed for the scale lookups (upstream waits for their caches too; their changes alone queue nothing).
        _ = informers.For("", "replicationcontrollers");
        _ = informers.For("apps", "replicasets");
        _ = informers.For("apps", "deployments");
        _ = informers.For("apps", "statefulsets");
    }

    /// <summary>The budgets in the pod's namespace whose selector matches it.</summary>
    private IEnumerable<JsonObject> BudgetsOf(JsonObject pod) =>
        Budgets.Lister.List(pod.Namespace()).Where(b => Selector(b) is { } selector && selector.Matches(pod.Labels()));

    private static LabelSelector? Selector(JsonObject budget)
    {
        try
        {
            return LabelSelector.FromLabelSelectorObject(budget["spec"]?["selector"] as JsonObject);
        }
        catch (SelectorParseException)
        {
            return null;
        }
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Budgets.Lister.Get(key.Namespace, key.Name) is not { } budget || budget.HasDeletionTimestamp())
        {
            return;
        }

        var selector = Selector(budget) ?? LabelSelector.Nothing;
        var pods = Informers.Pods.Lister.List(key.Namespace).Where(p => selector.Matches(p.Labels())).ToList();
        if (pods.Count == 0)
        {
            await Context.Events.RecordAsync(budget, "Normal", "NoPods", "No matching pods found", Component, cancellationToken);
        }

        var spec = budget["spec"] as JsonObject ?? [];
        long expected, desired;
        try
        {
            (expected, desired) = ExpectedAndDesired(spec, pods);
        }
        catch (InvalidOperationException e)
        {
            var message = e.Message;
            await Context.Events.RecordAsync(budget, "Warning", "CalculateExpectedPodCountFailed",
                "Failed to calculate the number of expected pods: " + message, Component, cancellationToken);
            await WriteStatusAsync(budget, status =>
            {
                status["disruptionsAllowed"] = 0;
                SetCondition(status, "False", "SyncFailed", message, status.GetInt64("observedGeneration") ?? 0);
            }, cancellationToken);
            throw;
        }

        var now = Time.GetUtcNow();
        var (disrupted, recheck) = await DisruptedPodsAsync(budget, pods, now, cancellationToken);
        var healthy = pods.Count(p => !p.HasDeletionTimestamp() && !disrupted.ContainsKey(p.Name()) && PodState.IsReady(p));
        var allowed = expected <= 0 ? 0 : Math.Max(0, healthy - desired);
        var generation = budget.Metadata().GetInt64("generation") ?? 0;
        await WriteStatusAsync(budget, status =>
        {
            status["currentHealthy"] = healthy;
            status["desiredHealthy"] = desired;
            status["expectedPods"] = expected;
            status["disruptionsAllowed"] = allowed;
            status["observedGeneration"] = generation;
            if (disrupted.Count > 0)
            {
                status["disruptedPods"] = disrupted;
            }
            else
            {
                status.Remove("disruptedPods");
            }

            SetCondition(status, allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", generation);
        }, cancellationToken);

        if (recheck is { } at)
        {
            RequeueAfter(key, at - now);
        }
    }

    /// <summary>
    /// (expectedPods, desiredHealthy) as getExpectedPodCount: an integer minAvailable counts the matching pods; a
    /// percentage minAvailable or any maxUnavailable uses the controllers' scale. Throws with upstream's message when a
    /// controlled pod's controller cannot be found.
    /// </summary>
    private (long Expected, long Desired) ExpectedAndDesired(JsonObject spec, List<JsonObject> pods)
    {
        if (spec["maxUnavailable"] is { } maxUnavailable)
        {
            var expected = ExpectedScale(pods);
            return (expected, Math.Max(0, expected - Scaled(maxUnavailable, expected)));
        }

        if (spec["minAvailable"] is { } minAvailable)
        {
            if (minAvailable.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                return (pods.Count, minAvailable.GetValue<long>());
            }

            var expected = ExpectedScale(pods);
            return (expected, Scaled(minAvailable, expected));
        }

        return (0, 0);
    }

    /// <summary>intstr.GetScaledValueFromIntOrPercent, rounding up.</summary>
    private static long Scaled(JsonNode value, long total)
    {
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return value.GetValue<long>();
        }

        var text = value.GetValue<string>();
        if (!text.EndsWith('%') || !long.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
        {
            throw new InvalidOperationException("invalid type: string is not a percentage");
        }

        return (long)Math.Ceiling(percent * total / 100.0);
    }

    /// <summary>The summed spec.replicas of the controllers of the pods (each counted once); pods without a controller are left out.</summary>
    private long ExpectedScale(IReadOnlyList<JsonObject> pods)
    {
        var scales = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (OwnerReferences.ControllerOf(pod) is not { } owner || scales.ContainsKey(owner.GetString("uid") ?? ""))
            {
                continue;
            }

            var (uid, scale) = ControllerScale(owner, pod.Namespace())
                ?? throw new InvalidOperationException($"found no controllers for pod \"{pod.Name()}\"");
            scales[uid] = scale;
        }

        return scales.Values.Sum();
    }

    /// <summary>The controller a pod's controller reference names (a Deployment for its ReplicaSets) and its scale, as upstream's finders.</summary>
    private (string Uid, long Scale)? ControllerScale(JsonObject owner, string ns)
    {
        var group = (owner.GetString("apiVersion") ?? "").Split('/') is [var g, _] ? g : "";
        var (kind, name, uid) = (owner.GetString("kind"), owner.GetString("name") ?? "", owner.GetString("uid"));
        JsonObject? found = (group, kind) switch
        {
            ("", "ReplicationController") => Informers.For("", "replicationcontrollers").Lister.Get(ns, name),
            ("apps" or "extensions", "ReplicaSet") => Informers.For("apps", "replicasets").Lister.Get(ns, name),
            ("apps", "StatefulSet") => Informers.For("apps", "statefulsets").Lister.Get(ns, name),
            _ => null,
        };
        if (found is null || found.Uid() != uid)
        {
            return null;
        }

        if (kind == "ReplicaSet" && OwnerReferences.ControllerOf(found) is { } rsOwner && rsOwner.GetString("kind") == "Deployment")
        {
            var deployment = Informers.For("apps", "deployments").Lister.Get(ns, rsOwner.GetString("name") ?? "");
            return deployment is not null && deployment.Uid() == rsOwner.GetString("uid")
                ? (deployment.Uid()!, Replicas(deployment))
                : null;
        }

        return (found.Uid()!, Replicas(found));
    }

    private static long Replicas(JsonObject controller) => controller["spec"] is JsonObject spec ? spec.GetInt64("replicas") ?? 1 : 1;

    /// <summary>
    /// The entries of status.disruptedPods still awaited (pod there, not being deleted, evicted less than
    /// <see cref="DeletionTimeout"/> ago) and when the first of them expires; a pod past it gets upstream's NotDeleted event.
    /// </summary>
    private async Task<(JsonObject Disrupted, DateTimeOffset? Recheck)> DisruptedPodsAsync(
        JsonObject budget, IReadOnlyList<JsonObject> pods, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        DateTimeOffset? recheck = null;
        if (budget["status"]?["disruptedPods"] is not JsonObject recorded)
        {
            return (result, recheck);
        }

        foreach (var pod in pods.Where(p => !p.HasDeletionTimestamp()))
        {
            if (recorded[pod.Name()]?.GetValue<string>() is not { } text
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var evicted))
            {
                continue;
            }

            var expectedDeletion = evicted + DeletionTimeout;
            if (expectedDeletion < now)
            {
                // upstream names the budget's namespace twice here.
                var ns = budget.Namespace();
                await Context.Events.RecordAsync(pod, "Warning", "NotDeleted", $"Pod was expected by PDB {ns}/{ns} to be deleted but it wasn't", Component, cancellationToken);
            }
            else
            {
                recheck = recheck is { } earlier && earlier < expectedDeletion ? earlier : expectedDeletion;
                result[pod.Name()] = text;
            }
        }

        return (result, recheck);
    }

    /// <summary>apimeta.SetStatusCondition for DisruptionAllowed: lastTransitionTime moves only when the status changes.</summary>
    private void SetCondition(JsonObject status, string value, string reason, string message, long observedGeneration)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == ConditionType);
        var transition = existing?.GetString("status") == value ? existing.GetString("lastTransitionTime") : null;
        var condition = new JsonObject
        {
            ["type"] = ConditionType,
            ["status"] = value,
            ["observedGeneration"] = observedGeneration,
            ["lastTransitionTime"] = transition ?? ObjectMeta.FormatTime(Time.GetUtcNow()),
            ["reason"] = reason,
            ["message"] = message,
        };
        var updated = new JsonArray();
        foreach (var c in conditions.OfType<JsonObject>())
        {
            updated.Add(c == existing ? condition : c.DeepClone());
        }

        if (existing is null)
        {
            updated.Add(condition);
        }

        status["conditions"] = updated;
    }

    /// <summary>
    /// Writes the status <paramref name="change"/> makes of the budget as the informer has it, unless that changes
    /// nothing; the write is conditional on that version, so an eviction recorded meanwhile is never lost (the newer
    /// version queues the key again).
    /// </summary>
    private async Task WriteStatusAsync(JsonObject budget, Action<JsonObject> change, CancellationToken cancellationToken)
    {
        var status = budget["status"]?.DeepClone() as JsonObject ?? [];
        change(status);
        if (JsonNode.DeepEquals(status, budget["status"]))
        {
            return;
        }

        var store = BudgetStore;
        var (ns, name, seen) = (budget.Namespace(), budget.Name(), budget.ResourceVersion());
        try
        {
            await store.UpdateAsync(ns, name, b =>
            {
                if (b.ResourceVersion() != seen)
                {
                    throw ApiException.Conflict(store.Definition.GroupResource, name);
                }

                b["status"] = status;
                return b;
            }, store.Definition.StatusStrategy!, new WriteOptions(FieldManager: "kube-controller-manager") { Subresource = "status" }, cancellationToken);
            Log.StatusUpdated(Logger, ns, name);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone, or changed since the informer saw it: the newer version queues the key again.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "PodDisruptionBudget {Namespace}/{Name} status updated")]
        public static partial void StatusUpdated(ILogger logger, string @namespace, string name);
    }
}
