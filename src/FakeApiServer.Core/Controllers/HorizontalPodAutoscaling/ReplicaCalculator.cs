using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.ResourceUsage;

namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// upstream's ReplicaCalculator for resource metrics (replica_calculator.go with the resource metrics client): the
/// desired replicas from the pods' usage, ignoring pods being deleted or failed, treating pending pods and pods whose
/// CPU sample is not yet trustworthy (within the CPU initialisation period) as unready, and pods without metrics as
/// missing; those count as 0 % on a scale-up and as 100 % of their request on a scale-down, and a change within the
/// tolerance (0.1) keeps the current count.
/// </summary>
internal sealed class ReplicaCalculator(ResourceUsageSimulator usage)
{
    /// <summary>kube-controller-manager's --horizontal-pod-autoscaler-tolerance.</summary>
    public const double Tolerance = 0.1;

    /// <summary>--horizontal-pod-autoscaler-cpu-initialization-period: CPU samples of pods started within it are checked for readiness.</summary>
    public static readonly TimeSpan CpuInitializationPeriod = TimeSpan.FromMinutes(5);

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay: a pod unready this soon after start has never been ready.</summary>
    public static readonly TimeSpan DelayOfInitialReadinessStatus = TimeSpan.FromSeconds(30);

    /// <summary>(replicas, utilization %, raw average in milli-units, sample time) for a target average utilization.</summary>
    public (int Replicas, int Utilization, long RawAverage, DateTimeOffset Timestamp) ResourceReplicas(
        int currentReplicas, int targetUtilization, string resource, IReadOnlyList<JsonObject> pods, string container, DateTimeOffset now)
    {
        var (metrics, timestamp, readyPodCount, unready, missing) = UsableMetrics(resource, pods, container, now);
        var requests = Requests(pods, container, resource);
        var (usageRatio, utilization, rawAverage) = UtilizationRatio(metrics, requests, targetUtilization);
        var scaleUpWithUnready = unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return Math.Abs(1.0 - usageRatio) <= Tolerance
                ? (currentReplicas, utilization, rawAverage, timestamp)
                : ((int)Math.Ceiling(usageRatio * readyPodCount), utilization, rawAverage, timestamp);
        }

        if (missing.Count > 0)
        {
            // A scale-down counts missing pods at 100 % of their request (or the target when above 100 %); a scale-up at 0.
            var fallback = Math.Max(100, targetUtilization);
            foreach (var pod in missing.Where(_ => usageRatio != 1.0))
            {
                metrics[pod] = PodSample.Filled(usageRatio < 1.0 ? requests[pod] * fallback / 100 : 0);
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var pod in unready)
            {
                metrics[pod] = PodSample.Filled(0);
            }
        }

        var (newUsageRatio, _, _) = UtilizationRatio(metrics, requests, targetUtilization);
        return Adjusted(currentReplicas, usageRatio, newUsageRatio, metrics.Count) is { } replicas
            ? (replicas, utilization, rawAverage, timestamp)
            : (currentReplicas, utilization, rawAverage, timestamp);
    }

    /// <summary>(replicas, average usage in milli-units, sample time) for a target average value (calcPlainMetricReplicas).</summary>
    public (int Replicas, long Average, DateTimeOffset Timestamp) RawResourceReplicas(
        int currentReplicas, long targetAverage, string resource, IReadOnlyList<JsonObject> pods, string container, DateTimeOffset now)
    {
        var (metrics, timestamp, readyPodCount, unready, missing) = UsableMetrics(resource, pods, container, now);
        var (usageRatio, average) = UsageRatio(metrics, targetAverage);
        var scaleUpWithUnready = unready.Count > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            return Math.Abs(1.0 - usageRatio) <= Tolerance
                ? (currentReplicas, average, timestamp)
                : ((int)Math.Ceiling(usageRatio * readyPodCount), average, timestamp);
        }

        if (missing.Count > 0 && usageRatio != 1.0)
        {
            // A scale-down counts missing pods at exactly the target; a scale-up at 0.
            foreach (var pod in missing)
            {
                metrics[pod] = PodSample.Filled(usageRatio < 1.0 ? targetAverage : 0);
            }
        }

        if (scaleUpWithUnready)
        {
            foreach (var pod in unready)
            {
                metrics[pod] = PodSample.Filled(0);
            }
        }

        var (newUsageRatio, _) = UsageRatio(metrics, targetAverage);
        return Adjusted(currentReplicas, usageRatio, newUsageRatio, metrics.Count) is { } replicas
            ? (replicas, average, timestamp)
            : (currentReplicas, average, timestamp);
    }

    /// <summary>
    /// The samples of the ready pods (ignored and unready pods' removed), the sample time, the ready count and the
    /// unready and missing pods; upstream's errors when there are no pods or no usable sample.
    /// </summary>
    private (Dictionary<string, PodSample> Metrics, DateTimeOffset Timestamp, int Ready, HashSet<string> Unready, HashSet<string> Missing) UsableMetrics(
        string resource, IReadOnlyList<JsonObject> pods, string container, DateTimeOffset now)
    {
        var (metrics, timestamp) = Metrics(resource, pods, container, now);
        if (pods.Count == 0)
        {
            throw new MetricComputationException("no pods returned by selector while calculating replica count");
        }

        var (ready, unready, missing, ignored) = GroupPods(pods, metrics, resource, now);
        RemoveAll(metrics, ignored);
        RemoveAll(metrics, unready);
        if (metrics.Count == 0)
        {
            throw new MetricComputationException("did not receive metrics for targeted pods (pods might be unready)");
        }

        return (metrics, timestamp, ready, unready, missing);
    }

    /// <summary>The re-run with missing and unready pods filled in; null keeps the current count (within tolerance, or a direction change).</summary>
    private static int? Adjusted(int currentReplicas, double usageRatio, double newUsageRatio, int counted)
    {
        if (Math.Abs(1.0 - newUsageRatio) <= Tolerance || (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0))
        {
            return null;
        }

        var newReplicas = (int)Math.Ceiling(newUsageRatio * counted);
        return (newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas) ? null : newReplicas;
    }

    /// <summary>
    /// The resource metrics client: each measured pod's usage (of one container, or summed over its containers) in
    /// milli-units, and the first sample's time. Errors read as upstream's, wrapped in "unable to get metrics for resource".
    /// </summary>
    private (Dictionary<string, PodSample> Metrics, DateTimeOffset Timestamp) Metrics(string resource, IReadOnlyList<JsonObject> pods, string container, DateTimeOffset now)
    {
        var result = new Dictionary<string, PodSample>(StringComparer.Ordinal);
        var measured = pods.Where(ResourceUsageSimulator.IsMeasured).OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
        if (measured.Count == 0)
        {
            throw new MetricComputationException($"unable to get metrics for resource {resource}: no metrics returned from resource metrics API");
        }

        foreach (var pod in measured)
        {
            var containers = usage.Containers(pod, now);
            IEnumerable<(string Name, decimal Cpu, decimal Memory)> counted = containers;
            if (container.Length > 0)
            {
                counted = containers.Where(c => c.Name == container).Take(1).ToList();
                if (!counted.Any())
                {
                    throw new MetricComputationException(
                        $"unable to get metrics for resource {resource}: failed to get container metrics: container {container} not present in metrics for pod {pod.Namespace()}/{pod.Name()}");
                }
            }
            else if (containers.Count == 0)
            {
                continue;
            }

            var milli = counted.Sum(c => (long)decimal.Ceiling((resource == "cpu" ? c.Cpu : resource == "memory" ? c.Memory : 0m) * 1000m));
            result[pod.Name()] = new PodSample(milli, now);
        }

        return (result, now);
    }

    /// <summary>groupPods: (ready count, unready, missing, ignored) pod names.</summary>
    private static (int Ready, HashSet<string> Unready, HashSet<string> Missing, HashSet<string> Ignored) GroupPods(
        IReadOnlyList<JsonObject> pods, Dictionary<string, PodSample> metrics, string resource, DateTimeOffset now)
    {
        var (unready, missing, ignored) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        var ready = 0;
        foreach (var pod in pods)
        {
            var name = pod.Name();
            var phase = pod.FieldString("status.phase");
            if (pod.HasDeletionTimestamp() || phase == "Failed")
            {
                ignored.Add(name);
                continue;
            }

            if (phase == "Pending")
            {
                unready.Add(name);
                continue;
            }

            if (!metrics.TryGetValue(name, out var sample))
            {
                missing.Add(name);
                continue;
            }

            if (resource == "cpu" && IsUnreadyForCpu(pod, sample, now))
            {
                unready.Add(name);
                continue;
            }

            ready++;
        }

        return (ready, unready, missing, ignored);
    }

    /// <summary>
    /// A CPU sample is ignored while the pod is unready within the initialisation period, or taken before one window had
    /// passed since its readiness changed; after the period only a pod that has never been ready is ignored.
    /// </summary>
    private static bool IsUnreadyForCpu(JsonObject pod, PodSample sample, DateTimeOffset now)
    {
        var condition = (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == "Ready");
        var start = Time(pod["status"]?["startTime"]);
        if (condition is null || start is not { } startTime)
        {
            return true;
        }

        var transition = Time(condition["lastTransitionTime"]) ?? DateTimeOffset.MinValue;
        var isFalse = condition.GetString("status") == "False";
        return startTime + CpuInitializationPeriod > now
            ? isFalse || sample.Timestamp < transition + ResourceUsageSimulator.Window
            : isFalse && startTime + DelayOfInitialReadinessStatus > transition;
    }

    /// <summary>calculatePodRequests: each pod's request (of one container or of all, restartable init containers included) in milli-units.</summary>
    private static Dictionary<string, long> Requests(IReadOnlyList<JsonObject> pods, string container, string resource)
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var sum = 0L;
            var spec = pod["spec"] as JsonObject;
            var containers = (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>()
                .Concat((spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().Where(c => c.GetString("restartPolicy") == "Always"));
            foreach (var c in containers)
            {
                var name = c.GetString("name") ?? "";
                if (container.Length > 0 && container != name)
                {
                    continue;
                }

                if (Quota.ResourceAmount.Parse(c["resources"]?["requests"]?[resource]) is not { } request)
                {
                    throw new MetricComputationException($"missing request for {resource} in container {name} of Pod {pod.Name()}");
                }

                sum += (long)request.MilliValue;
            }

            requests[pod.Name()] = sum;
        }

        return requests;
    }

    /// <summary>GetResourceUtilizationRatio: usage over requests of the pods with both, as a whole percentage, and the raw average.</summary>
    private static (double Ratio, int Utilization, long RawAverage) UtilizationRatio(Dictionary<string, PodSample> metrics, Dictionary<string, long> requests, int targetUtilization)
    {
        long metricsTotal = 0, requestsTotal = 0, entries = 0;
        foreach (var (pod, sample) in metrics)
        {
            if (!requests.TryGetValue(pod, out var request))
            {
                continue;
            }

            metricsTotal += sample.Value;
            requestsTotal += request;
            entries++;
        }

        if (requestsTotal == 0)
        {
            throw new MetricComputationException("no metrics returned matched known pods");
        }

        var utilization = (int)(metricsTotal * 100 / requestsTotal);
        return ((double)utilization / targetUtilization, utilization, metricsTotal / entries);
    }

    /// <summary>GetMetricUsageRatio: the average over the pods against the target.</summary>
    private static (double Ratio, long Average) UsageRatio(Dictionary<string, PodSample> metrics, long targetAverage)
    {
        var average = metrics.Values.Sum(s => s.Value) / metrics.Count;
        return ((double)average / targetAverage, average);
    }

    private static void RemoveAll(Dictionary<string, PodSample> metrics, HashSet<string> pods)
    {
        foreach (var pod in pods)
        {
            metrics.Remove(pod);
        }
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>One pod's sample: its usage in milli-units and when it was taken.</summary>
    private readonly record struct PodSample(long Value, DateTimeOffset Timestamp)
    {
        /// <summary>A value put in for a pod without a usable sample.</summary>
        public static PodSample Filled(long value) => new(value, DateTimeOffset.MinValue);
    }
}
