using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Api.Verbs;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// kube-controller-manager's horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go): every
/// 15 s each HorizontalPodAutoscaler reads its target's /scale, computes the replicas each metric asks for from the
/// simulated resource usage (what metrics.k8s.io serves; Resource and ContainerResource metrics, Utilization and
/// AverageValue targets), takes the highest, stabilises and limits it (spec.behavior, or the 5-minute downscale window
/// and the default scale-up limit), writes the new count through /scale, and reports status (currentReplicas,
/// desiredReplicas, currentMetrics, lastScaleTime), the AbleToScale, ScalingActive and ScalingLimited conditions and
/// upstream's events. Pods, Object and External metrics need a custom or external metrics API, which the server does
/// not serve: they fail as they do upstream without an adapter.
/// </summary>
internal sealed partial class HorizontalPodAutoscalerController : Reconciler<NamespacedName>
{
    /// <summary>--horizontal-pod-autoscaler-sync-period.</summary>
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);

    private const string Component = "horizontal-pod-autoscaler";
    private const string FieldManager = "kube-controller-manager";

    private readonly ConcurrentDictionary<NamespacedName, ScaleHistory> _histories = new();
    private readonly ConcurrentDictionary<NamespacedName, LabelSelector> _selectors = new();
    private readonly ReplicaCalculator _calculator;

    public HorizontalPodAutoscalerController(ControllerContext context)
        : base(context, "horizontalpodautoscaling", rateLimiter: new FixedIntervalRateLimiter(SyncPeriod))
    {
        _calculator = new ReplicaCalculator(context.Usage);
    }

    private SharedInformer Autoscalers => Informers.For("autoscaling", "horizontalpodautoscalers");

    private ResourceStore AutoscalerStore => Context.Catalog.Get("autoscaling", "horizontalpodautoscalers");

    protected override void Watch(SharedInformerFactory informers)
    {
        Autoscalers.AddHandler(e =>
        {
            var key = NamespacedName.Of(e.Object);
            if (e.Type == InformerEventType.Deleted)
            {
                _selectors.TryRemove(key, out _);
                return;
            }

            // As upstream, every add waits one sync period; a key already waiting keeps its earlier time.
            _selectors.TryAdd(key, LabelSelector.Nothing);
            Queue.AddAfter(key, SyncPeriod);
        });

        // The pods are read from the shared cache (their changes alone queue nothing, as upstream).
        _ = informers.Pods;
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Autoscalers.Lister.Get(key.Namespace, key.Name) is not { } shared)
        {
            _histories.TryRemove(key, out _);
            return;
        }

        try
        {
            await ReconcileAutoscalerAsync(key, (JsonObject)shared.DeepClone(), cancellationToken);
        }
        catch (MetricComputationException e)
        {
            // Told through the HPA's conditions and events; the next sync tries again.
            Log.SyncFailed(Logger, key.Namespace, key.Name, e.Message);
        }
        finally
        {
            // The next sync, one period on (upstream re-adds every key after each sync).
            RequeueAfter(key, SyncPeriod);
        }
    }

    private async Task ReconcileAutoscalerAsync(NamespacedName key, JsonObject hpa, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var original = hpa["status"]?.DeepClone() as JsonObject ?? [];
        var status = (JsonObject)original.DeepClone();
        var spec = hpa["spec"] as JsonObject ?? [];
        var target = spec["scaleTargetRef"] as JsonObject ?? [];
        var (targetKind, targetName) = (target.GetString("kind") ?? "", target.GetString("name") ?? "");
        var reference = $"{targetKind}/{key.Namespace}/{targetName}";

        ResourceStore targetStore;
        ScaleSubresource paths;
        JsonObject scale;
        try
        {
            (targetStore, paths) = ScaleTarget(target.GetString("apiVersion") ?? "", targetKind);
            var stored = targetStore.Get(key.Namespace, targetName);
            scale = ScaleVerb.ToScale(paths, ObjectJson.Parse(stored.Value));
        }
        catch (Exception e) when (e is ApiException or MetricComputationException)
        {
            await Context.Events.RecordAsync(hpa, "Warning", "FailedGetScale", e.Message, Component, cancellationToken);
            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.AbleToScale, "False", "FailedGetScale",
                "the HPA controller was unable to get the target's current scale: " + e.Message, now);
            await UpdateStatusIfNeededAsync(hpa, original, status, cancellationToken);
            throw new MetricComputationException($"failed to query scale subresource for {reference}: {e.Message}");
        }

        HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.AbleToScale, "True", "SucceededGetScale",
            "the HPA controller was able to get the target's current scale", now);
        var currentReplicas = (int)(scale["spec"]?["replicas"]?.GetValue<long>() ?? 0);
        var history = _histories.GetOrAdd(key, _ => new ScaleHistory());
        ReplicaNormalization.RecordInitial(history, now, currentReplicas);

        var minReplicas = (int)(spec.GetInt64("minReplicas") ?? 1);
        var maxReplicas = (int)(spec.GetInt64("maxReplicas") ?? 0);
        var behavior = spec["behavior"] as JsonObject;
        JsonArray? metricStatuses = null;
        var desiredReplicas = 0;
        var rescaleReason = "";
        var rescale = true;
        MetricComputationException? partialFailure = null;
        if (currentReplicas == 0 && minReplicas != 0)
        {
            // Autoscaling is off while the target is scaled to zero.
            rescale = false;
            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.ScalingActive, "False", "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero", now);
        }
        else if (currentReplicas > maxReplicas)
        {
            rescaleReason = "Current number of replicas above Spec.MaxReplicas";
            desiredReplicas = maxReplicas;
        }
        else if (currentReplicas < minReplicas)
        {
            rescaleReason = "Current number of replicas below Spec.MinReplicas";
            desiredReplicas = minReplicas;
        }
        else
        {
            var computed = await ComputeReplicasForMetricsAsync(hpa, status, scale, spec, now, cancellationToken);
            metricStatuses = computed.Statuses;
            if (computed.Error is { } error && computed.Replicas == -1)
            {
                SetStatus(status, currentReplicas, status.GetInt64("desiredReplicas") ?? 0, metricStatuses, rescaled: false, now);
                await UpdateStatusIfNeededAsync(hpa, original, status, cancellationToken);
                await Context.Events.RecordAsync(hpa, "Warning", "FailedComputeMetricsReplicas", error.Message, Component, cancellationToken);
                throw new MetricComputationException($"failed to compute desired number of replicas based on listed metrics for {reference}: {error.Message}");
            }

            partialFailure = computed.Error;
            var rescaleMetric = "";
            if (computed.Replicas > desiredReplicas)
            {
                desiredReplicas = computed.Replicas;
                rescaleMetric = computed.Metric;
            }

            if (desiredReplicas > currentReplicas)
            {
                rescaleReason = rescaleMetric + " above target";
            }

            if (desiredReplicas < currentReplicas)
            {
                rescaleReason = "All metrics below target";
            }

            var (normalized, able, limited) = behavior is null
                ? ReplicaNormalization.WithoutBehavior(history, now, currentReplicas, desiredReplicas, minReplicas, maxReplicas)
                : ReplicaNormalization.WithBehavior(history, now, behavior, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
            HorizontalPodAutoscalerConditions.Set(status, able, now);
            HorizontalPodAutoscalerConditions.Set(status, limited, now);
            desiredReplicas = normalized;
            rescale = desiredReplicas != currentReplicas;
        }

        if (rescale)
        {
            try
            {
                await targetStore.UpdateAsync(key.Namespace, targetName, obj =>
                {
                    ScaleVerb.SetReplicas(paths, obj, desiredReplicas);
                    return obj;
                }, targetStore.Definition.Strategy, new WriteOptions(FieldManager: FieldManager) { Subresource = "scale" }, cancellationToken);
            }
            catch (ApiException e)
            {
                await Context.Events.RecordAsync(hpa, "Warning", "FailedRescale",
                    $"New size: {desiredReplicas}; reason: {rescaleReason}; error: {e.Message}", Component, cancellationToken);
                HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.AbleToScale, "False", "FailedUpdateScale",
                    "the HPA controller was unable to update the target scale: " + e.Message, now);
                SetStatus(status, currentReplicas, status.GetInt64("desiredReplicas") ?? 0, metricStatuses, rescaled: false, now);
                await UpdateStatusIfNeededAsync(hpa, original, status, cancellationToken);
                throw new MetricComputationException($"failed to rescale {reference}: {e.Message}");
            }

            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.AbleToScale, "True", "SucceededRescale",
                string.Create(CultureInfo.InvariantCulture, $"the HPA controller was able to update the target scale to {desiredReplicas}"), now);
            await Context.Events.RecordAsync(hpa, "Normal", "SuccessfulRescale",
                string.Create(CultureInfo.InvariantCulture, $"New size: {desiredReplicas}; reason: {rescaleReason}"), Component, cancellationToken);
            ReplicaNormalization.RecordScale(history, now, behavior, currentReplicas, desiredReplicas);
            Log.Rescaled(Logger, key.Namespace, key.Name, currentReplicas, desiredReplicas, rescaleReason);
        }
        else
        {
            desiredReplicas = currentReplicas;
        }

        SetStatus(status, currentReplicas, desiredReplicas, metricStatuses, rescale, now);
        await UpdateStatusIfNeededAsync(hpa, original, status, cancellationToken);
        if (partialFailure is not null)
        {
            throw partialFailure;
        }
    }

    /// <summary>
    /// The registry and replica paths of the scale target (the RESTMapper's kind lookup, then /scale); errors read as
    /// upstream's (no matches for kind, a kind without /scale is a 404).
    /// </summary>
    private (ResourceStore Store, ScaleSubresource Paths) ScaleTarget(string apiVersion, string kind)
    {
        var parts = apiVersion.Split('/');
        if (parts.Length > 2)
        {
            throw new MetricComputationException($"unexpected GroupVersion string: {apiVersion}");
        }

        var group = parts.Length == 2 ? parts[0] : "";
        var stores = Context.Catalog.All.Where(s => s.Definition.Group == group && s.Definition.Kind == kind).ToList();
        if (stores.Count == 0)
        {
            throw new MetricComputationException($"no matches for kind \"{kind}\" in group \"{group}\"");
        }

        return stores.Select(s => (Store: s, Paths: s.Definition.Subresources.TryGetValue("scale", out var handler) ? handler.ScalePaths : null))
            .FirstOrDefault(s => s.Paths is not null) is { Paths: { } paths } found
            ? (found.Store, paths)
            : throw ApiException.NotFoundPath();
    }

    /// <summary>
    /// computeReplicasForMetrics: the highest proposal of the metrics that could be computed, the name of the metric that
    /// made it, a status per metric (an empty one for a failed metric), and the first error. Replicas is -1 when every
    /// metric failed, or some failed and the others would scale down.
    /// </summary>
    private async Task<(int Replicas, string Metric, JsonArray Statuses, MetricComputationException? Error)> ComputeReplicasForMetricsAsync(
        JsonObject hpa, JsonObject status, JsonObject scale, JsonObject spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var selectorText = scale["status"]?["selector"]?.GetValue<string>() ?? "";
        var (selector, selectorError) = await ValidateSelectorAsync(hpa, status, selectorText, now, cancellationToken);
        if (selector is null)
        {
            return (-1, "", [], new MetricComputationException(selectorError));
        }

        var specReplicas = (int)(scale["spec"]?["replicas"]?.GetValue<long>() ?? 0);
        var pods = Informers.Pods.Lister.List(hpa.Namespace()).Where(p => selector.Matches(p.Labels())).ToList();
        var metrics = (spec["metrics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var statuses = new JsonArray();
        int replicas = 0, invalid = 0;
        var metricName = "";
        MetricComputationException? firstError = null;
        ReplicaNormalization.Condition? invalidCondition = null;
        foreach (var metric in metrics)
        {
            try
            {
                var (proposal, name, metricStatus) = ComputeReplicasForMetric(metric, hpa.Namespace(), specReplicas, pods, now);
                statuses.Add(metricStatus);
                if (replicas == 0 || proposal > replicas)
                {
                    (replicas, metricName) = (proposal, name);
                }
            }
            catch (FailedMetricException e)
            {
                statuses.Add(new JsonObject { ["type"] = "" });
                await Context.Events.RecordAsync(hpa, "Warning", e.Reason, e.Cause, Component, cancellationToken);
                if (invalid == 0)
                {
                    invalidCondition = new ReplicaNormalization.Condition(HorizontalPodAutoscalerConditions.ScalingActive, "False", e.Reason,
                        "the HPA was unable to compute the replica count: " + e.Cause);
                    firstError = new MetricComputationException(e.Message);
                }

                invalid++;
            }
        }

        if (firstError is not null)
        {
            firstError = new MetricComputationException(
                string.Create(CultureInfo.InvariantCulture, $"invalid metrics ({invalid} invalid out of {metrics.Count}), first error is: {firstError.Message}"));
        }

        if (invalid >= metrics.Count || (invalid > 0 && replicas < specReplicas))
        {
            if (invalidCondition is { } condition)
            {
                HorizontalPodAutoscalerConditions.Set(status, condition, now);
            }

            return (-1, "", statuses, firstError);
        }

        HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.ScalingActive, "True", "ValidMetricFound",
            "the HPA was able to successfully calculate a replica count from " + metricName, now);
        return (replicas, metricName, statuses, firstError);
    }

    /// <summary>validateAndParseSelector: the target's selector, parsed and controlled by this HPA alone; null (with condition and event) otherwise.</summary>
    private async Task<(LabelSelector? Selector, string Error)> ValidateSelectorAsync(JsonObject hpa, JsonObject status, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (text.Length == 0)
        {
            const string required = "selector is required";
            await Context.Events.RecordAsync(hpa, "Warning", "SelectorRequired", required, Component, cancellationToken);
            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.ScalingActive, "False", "InvalidSelector",
                "the HPA target's scale is missing a selector", now);
            return (null, required);
        }

        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(text);
        }
        catch (SelectorParseException e)
        {
            var invalid = "couldn't convert selector into a corresponding internal selector object: " + e.Message;
            await Context.Events.RecordAsync(hpa, "Warning", "InvalidSelector", invalid, Component, cancellationToken);
            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.ScalingActive, "False", "InvalidSelector", invalid, now);
            return (null, invalid);
        }

        var key = NamespacedName.Of(hpa);
        if (_selectors.ContainsKey(key))
        {
            _selectors[key] = selector;
        }

        var pods = Informers.Pods.Lister.List(hpa.Namespace()).Where(p => selector.Matches(p.Labels())).ToList();
        var controlling = _selectors
            .Where(s => s.Key.Namespace == key.Namespace && pods.Any(p => s.Value.Matches(p.Labels())))
            .Select(s => s.Key.Namespace + "/" + s.Key.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (controlling.Count > 1)
        {
            var ambiguous = $"pods by selector {text} are controlled by multiple HPAs: [{string.Join(' ', controlling)}]";
            await Context.Events.RecordAsync(hpa, "Warning", "AmbiguousSelector", ambiguous, Component, cancellationToken);
            HorizontalPodAutoscalerConditions.Set(status, HorizontalPodAutoscalerConditions.ScalingActive, "False", "AmbiguousSelector", ambiguous, now);
            return (null, ambiguous);
        }

        return (selector, "");
    }

    /// <summary>computeReplicasForMetric: one metric's proposal, the name the events use, and its status.</summary>
    private (int Replicas, string Name, JsonObject Status) ComputeReplicasForMetric(JsonObject metric, string ns, int specReplicas, IReadOnlyList<JsonObject> pods, DateTimeOffset now)
    {
        var type = metric.GetString("type") ?? "";
        switch (type)
        {
            case "Resource" or "ContainerResource":
            {
                var container = type == "ContainerResource";
                var source = metric[container ? "containerResource" : "resource"] as JsonObject ?? [];
                var resource = source.GetString("name") ?? "";
                var containerName = container ? source.GetString("container") ?? "" : "";
                var reason = container ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
                var outer = container ? $"failed to get {containerName} container metric value: " : $"failed to get {resource} resource metric value: ";
                try
                {
                    var (replicas, name, current) = ComputeResource(source["target"] as JsonObject ?? [], resource, containerName, container, specReplicas, pods, now);
                    var metricStatus = new JsonObject { ["name"] = resource };
                    if (container)
                    {
                        metricStatus["container"] = containerName;
                    }

                    metricStatus["current"] = current;
                    return (replicas, name, new JsonObject { ["type"] = type, [container ? "containerResource" : "resource"] = metricStatus });
                }
                catch (MetricComputationException e)
                {
                    throw new FailedMetricException(reason, e.Message, outer + e.Message);
                }
            }

            case "Pods":
            {
                var name = metric["pods"]?["metric"]?["name"]?.GetValue<string>() ?? "";
                var cause = $"unable to get metric {name}: unable to fetch metrics from custom metrics API: the server could not find the requested resource (get pods.custom.metrics.k8s.io *)";
                throw new FailedMetricException("FailedGetPodsMetric", cause, "failed to get pods metric value: " + cause);
            }

            case "Object":
            {
                var obj = metric["object"] as JsonObject ?? [];
                var name = obj["metric"]?["name"]?.GetValue<string>() ?? "";
                var described = obj["describedObject"] as JsonObject ?? [];
                // upstream's format puts the kind and the cause in odd places ("%s: %v on %s %s/%s"); kept as it reads.
                var cause = $"unable to get metric {name}: {described.GetString("kind")} on {ns} {described.GetString("name")}/unable to fetch metrics from custom metrics API: the server could not find the requested resource";
                throw new FailedMetricException("FailedGetObjectMetric", cause, "failed to get object metric value: " + cause);
            }

            case "External":
            {
                var name = metric["external"]?["metric"]?["name"]?.GetValue<string>() ?? "";
                var cause = $"unable to get external metric {name}: unable to fetch metrics from external metrics API: the server could not find the requested resource (get {name}.external.metrics.k8s.io)";
                throw new FailedMetricException("FailedGetExternalMetric", cause, $"failed to get {name} external metric value: " + cause);
            }

            default:
            {
                var cause = $"unknown metric source type \"{type}\"";
                throw new FailedMetricException("InvalidMetricSourceType", cause, cause);
            }
        }
    }

    /// <summary>computeStatusForResourceMetricGeneric: an AverageValue target, else an Utilization one.</summary>
    private (int Replicas, string Name, JsonObject Current) ComputeResource(
        JsonObject target, string resource, string container, bool containerMetric, int specReplicas, IReadOnlyList<JsonObject> pods, DateTimeOffset now)
    {
        if (Quota.ResourceAmount.Parse(target["averageValue"]) is { } averageValue)
        {
            try
            {
                var (replicas, average, _) = _calculator.RawResourceReplicas(specReplicas, (long)averageValue.MilliValue, resource, pods, container, now);
                return (replicas, resource + " resource", new JsonObject { ["averageValue"] = MilliQuantity(average) });
            }
            catch (MetricComputationException e)
            {
                throw new MetricComputationException($"failed to get {resource} usage: {e.Message}");
            }
        }

        if (target.GetInt64("averageUtilization") is not { } utilizationTarget)
        {
            throw new MetricComputationException("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
        }

        try
        {
            var (replicas, utilization, raw, _) = _calculator.ResourceReplicas(specReplicas, (int)utilizationTarget, resource, pods, container, now);
            var name = containerMetric
                ? resource + " container resource utilization (percentage of request)"
                : resource + " resource utilization (percentage of request)";
            return (replicas, name, new JsonObject { ["averageUtilization"] = utilization, ["averageValue"] = MilliQuantity(raw) });
        }
        catch (MetricComputationException e)
        {
            throw new MetricComputationException($"failed to get {resource} utilization: {e.Message}");
        }
    }

    /// <summary>resource.NewMilliQuantity(value, DecimalSI).String().</summary>
    private static string MilliQuantity(long milli) =>
        milli == 0 ? "0" : new ResourceQuantity(milli / 1000m, 0, ResourceQuantity.SuffixFormat.DecimalSI).CanonicalizeString();

    /// <summary>setStatus: the replicas, the metrics (omitted when none were computed), lastScaleTime on a rescale; conditions kept.</summary>
    private static void SetStatus(JsonObject status, long currentReplicas, long desiredReplicas, JsonArray? metrics, bool rescaled, DateTimeOffset now)
    {
        var conditions = status["conditions"]?.DeepClone();
        var lastScaleTime = rescaled ? ObjectMeta.FormatTime(now) : status["lastScaleTime"]?.DeepClone();
        status.Clear();
        if (currentReplicas != 0)
        {
            status["currentReplicas"] = currentReplicas;
        }

        status["desiredReplicas"] = desiredReplicas;
        if (lastScaleTime is not null)
        {
            status["lastScaleTime"] = lastScaleTime;
        }

        if (metrics is { Count: > 0 })
        {
            status["currentMetrics"] = metrics.DeepClone();
        }

        if (conditions is not null)
        {
            status["conditions"] = conditions;
        }
    }

    /// <summary>updateStatusIfNeeded: writes status through /status only when it changed.</summary>
    private async Task UpdateStatusIfNeededAsync(JsonObject hpa, JsonObject original, JsonObject status, CancellationToken cancellationToken)
    {
        if (JsonNode.DeepEquals(original, status))
        {
            return;
        }

        var store = AutoscalerStore;
        try
        {
            await store.UpdateAsync(hpa.Namespace(), hpa.Name(), current =>
            {
                current["status"] = status.DeepClone();
                return current;
            }, store.Definition.StatusStrategy!, new WriteOptions(FieldManager: FieldManager) { Subresource = "status" }, cancellationToken);
        }
        catch (ApiException e)
        {
            await Context.Events.RecordAsync(hpa, "Warning", "FailedUpdateStatus", e.Message, Component, cancellationToken);
            throw new MetricComputationException($"failed to update status for {hpa.Name()}: {e.Message}");
        }
    }

    /// <summary>A metric that failed: the event reason, the cause (event text) and the wrapped error.</summary>
    private sealed class FailedMetricException(string reason, string cause, string message) : Exception(message)
    {
        public string Reason { get; } = reason;

        public string Cause { get; } = cause;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1801, Level = LogLevel.Information, Message = "HPA {Namespace}/{Name}: {Reason}")]
        public static partial void SyncFailed(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "HPA {Namespace}/{Name} rescaled from {Current} to {Desired}: {Reason}")]
        public static partial void Rescaled(ILogger logger, string @namespace, string name, int current, int desired, string reason);
    }
}
