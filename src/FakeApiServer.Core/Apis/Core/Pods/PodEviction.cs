using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// pods/eviction (pkg/registry/core/pod/storage/eviction.go): deletes a pod unless its PodDisruptionBudget forbids it.
/// A pod that is Pending, terminal or already being deleted is deleted without a budget check; otherwise the one budget
/// whose selector matches the pod must allow a disruption, which is then spent (status.disruptionsAllowed decremented,
/// the pod recorded in status.disruptedPods) before the pod is deleted. The "disruption" controller computes budget
/// status; a budget it has not processed yet (observedGeneration behind generation) blocks evictions, as upstream.
/// </summary>
internal static class PodEviction
{
    private const string ViolationMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

    /// <summary>Upstream's MaxDisruptedPodSize: past it the budget refuses evictions the controller has not confirmed.</summary>
    private const int MaxDisruptedPods = 2000;

    /// <summary>
    /// Evicts the pod. Returns null on success, or the message of upstream's "more than one budget" Failure Status
    /// (which upstream returns as an object with code 500, not as an error).
    /// </summary>
    public static async Task<string?> EvictAsync(
        ResourceCatalog catalog, IRevisionedStore store, string ns, string name, DeleteOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var pods = catalog.Get("", "pods");
        var stored = pods.TryGet(ns, name) ?? throw ApiException.NotFound(pods.Definition.GroupResource, name);
        var pod = ObjectJson.Parse(stored.Value);
        var phase = pod["status"]?["phase"]?.GetValue<string>();
        if (phase is "Succeeded" or "Failed" or "Pending" || pod.HasDeletionTimestamp())
        {
            // Upstream pins the resourceVersion it read (unless the client gave one) so a pod turning healthy meanwhile is not lost.
            var enforce = phase is not ("Succeeded" or "Failed") && !pod.HasDeletionTimestamp();
            var pinned = enforce && string.IsNullOrEmpty(options.PreconditionResourceVersion)
                ? options with { PreconditionResourceVersion = pod.ResourceVersion() }
                : options;
            await DeletePodAsync(pods, ns, name, pinned, time, cancellationToken);
            return null;
        }

        var budgets = catalog.Get("policy", "poddisruptionbudgets");
        var labels = pod.Labels();
        var matching = new List<JsonObject>();
        foreach (var item in store.Latest.Range(budgets.Definition.NamespacePrefix(ns)))
        {
            var budget = ObjectJson.Parse(item.Value);
            LabelSelector selector;
            try
            {
                selector = LabelSelector.FromLabelSelectorObject(budget["spec"]?["selector"] as JsonObject);
            }
            catch (SelectorParseException)
            {
                continue;
            }

            // A null or empty selector matches no pod here, unlike everywhere else.
            if (!selector.IsNothing && !selector.IsEverything && selector.Matches(labels))
            {
                matching.Add(budget);
            }
        }

        if (matching.Count > 1)
        {
            return "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
        }

        if (matching.Count == 1)
        {
            var budget = matching[0];
            if (!IsReady(pod) && UnhealthyPodMayGo(budget))
            {
                // An unready pod does not count towards the budget: deleted without spending a disruption, pinned to what was read.
                var pinned = string.IsNullOrEmpty(options.PreconditionResourceVersion)
                    ? options with { PreconditionResourceVersion = pod.ResourceVersion() }
                    : options;
                try
                {
                    await DeletePodAsync(pods, ns, name, pinned, time, cancellationToken);
                }
                catch (ApiException conflict) when (conflict.Code == 409 && string.IsNullOrEmpty(options.PreconditionResourceVersion))
                {
                    throw StillProcessing(budget.Name());
                }

                return null;
            }

            await SpendDisruptionAsync(budgets, ns, budget.Name(), name, options.DryRun, time, cancellationToken);
        }

        await DeletePodAsync(pods, ns, name, options, time, cancellationToken);
        return null;
    }

    /// <summary>
    /// addConditionAndDeletePod: unless a dry run, first marks the newest pod DisruptionTarget=True (reason
    /// EvictionByEvictionAPI), checking the client's preconditions against it; then deletes it with the options,
    /// a resourceVersion precondition moved on to the revision that write made.
    /// </summary>
    private static async Task DeletePodAsync(
        ResourceStore pods, string ns, string name, DeleteOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!options.DryRun)
        {
            var now = ObjectMeta.FormatTime(time.GetUtcNow());
            var marked = await pods.UpdateAsync(ns, name, pod =>
            {
                if (options.PreconditionUid is { Length: > 0 } uid && uid != pod.Uid())
                {
                    throw ApiException.ConflictWith(new GroupResource("", "Pod"), name,
                        $"the UID in the precondition ({uid}) does not match the UID in record ({pod.Uid()}). The object might have been deleted and then recreated");
                }

                if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != pod.ResourceVersion())
                {
                    throw ApiException.ConflictWith(new GroupResource("", "Pod"), name,
                        $"the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({pod.ResourceVersion()}). The object might have been modified");
                }

                pod.Metadata().Remove("resourceVersion");
                MarkDisruptionTarget(pod, now);
                return pod;
            }, pods.Definition.StatusStrategy!, new WriteOptions { Subresource = "status" }, cancellationToken);
            if (options.PreconditionResourceVersion is { Length: > 0 })
            {
                options = options with { PreconditionResourceVersion = ObjectJson.Parse(marked.Value).ResourceVersion() };
            }
        }

        await pods.DeleteAsync(ns, name, options, cancellationToken);
    }

    /// <summary>podutil.UpdatePodCondition with DisruptionTarget=True: the transition time moves only when the status changes.</summary>
    private static void MarkDisruptionTarget(JsonObject pod, string now)
    {
        var status = pod["status"] as JsonObject ?? [];
        var conditions = status["conditions"] as JsonArray ?? [];
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "DisruptionTarget");
        var transition = existing?.GetString("status") == "True" ? existing["lastTransitionTime"]?.DeepClone() : now;
        var condition = new JsonObject
        {
            ["type"] = "DisruptionTarget",
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = transition,
            ["reason"] = "EvictionByEvictionAPI",
            ["message"] = "Eviction API: evicting",
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }

        status["conditions"] = conditions;
        pod["status"] = status;
    }

    private static async Task SpendDisruptionAsync(
        ResourceStore budgets, string ns, string budgetName, string podName, bool dryRun, TimeProvider time, CancellationToken cancellationToken)
    {
        var write = new WriteOptions(dryRun) { Subresource = "status" };
        await budgets.UpdateAsync(ns, budgetName, budget =>
        {
            budget.Metadata().Remove("resourceVersion");
            var status = budget["status"] as JsonObject ?? [];
            var allowed = status.GetInt64("disruptionsAllowed") ?? 0;
            if ((status.GetInt64("observedGeneration") ?? 0) < (budget.Metadata().GetInt64("generation") ?? 0))
            {
                throw StillProcessing(budgetName);
            }

            if (allowed < 0)
            {
                throw ApiException.Forbidden(new GroupResource("policy", "poddisruptionbudget"), budgetName, "pdb disruptions allowed is negative");
            }

            var disrupted = status["disruptedPods"] as JsonObject ?? [];
            if (disrupted.Count > MaxDisruptedPods)
            {
                throw ApiException.Forbidden(new GroupResource("policy", "poddisruptionbudget"), budgetName,
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
            }

            if (allowed == 0)
            {
                throw TooManyRequests(
                    $"The disruption budget {budgetName} needs {status.GetInt64("desiredHealthy") ?? 0} healthy pods and has {status.GetInt64("currentHealthy") ?? 0} currently");
            }

            status["disruptionsAllowed"] = allowed - 1;
            if (allowed - 1 == 0)
            {
                SetDisruptionAllowedFalse(status, time);
            }

            disrupted[podName] = ObjectMeta.FormatTime(time.GetUtcNow());
            status["disruptedPods"] = disrupted;
            budget["status"] = status;
            return budget;
        }, budgets.Definition.StatusStrategy!, write, cancellationToken);
    }

    /// <summary>pdbhelper.UpdateDisruptionAllowedCondition with no disruptions left: DisruptionAllowed False, InsufficientPods.</summary>
    private static void SetDisruptionAllowedFalse(JsonObject status, TimeProvider time)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "DisruptionAllowed");
        var changed = existing?.GetString("status") != "False";
        var condition = existing ?? new JsonObject { ["type"] = "DisruptionAllowed" };
        condition["status"] = "False";
        condition["reason"] = "InsufficientPods";
        condition["message"] = condition["message"]?.DeepClone() ?? "";
        condition["observedGeneration"] = status.GetInt64("observedGeneration") ?? 0;
        if (changed)
        {
            condition["lastTransitionTime"] = ObjectMeta.FormatTime(time.GetUtcNow());
        }

        if (existing is null)
        {
            conditions.Add(condition);
        }

        status["conditions"] = conditions;
    }

    private static bool IsReady(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => c.GetString("type") == "Ready" && c.GetString("status") == "True");

    /// <summary>unhealthyPodEvictionPolicy: AlwaysAllow, or (the default IfHealthyBudget) a budget that is currently met.</summary>
    private static bool UnhealthyPodMayGo(JsonObject budget)
    {
        if (budget["spec"]?["unhealthyPodEvictionPolicy"]?.GetValue<string>() == "AlwaysAllow")
        {
            return true;
        }

        var status = budget["status"] as JsonObject ?? [];
        var desired = status.GetInt64("desiredHealthy") ?? 0;
        return (status.GetInt64("currentHealthy") ?? 0) >= desired && desired > 0;
    }

    private static ApiException StillProcessing(string budgetName) =>
        TooManyRequests($"The disruption budget {budgetName} is still being processed by the server.");

    private static ApiException TooManyRequests(string cause) =>
        new(429, "TooManyRequests", ViolationMessage, new StatusDetails(null, null, null) { Causes = [new StatusCause("DisruptionBudget", cause, "")] });
}
