using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using k8s.Models;

namespace FakeApiServer.ResourceUsage;

/// <summary>
/// The simulated kubelet's resource usage, which metrics.k8s.io serves and the HorizontalPodAutoscaler controller reads,
/// as metrics-server would report it. Only running pods are measured. Each container uses, in this order: what the test
/// set (<see cref="ResourceUsageOverrides"/>), the pod's fakeapiserver.io/cpu-usage and memory-usage annotations
/// (constants, percentages of the request, or ramps from the pod's start), its request, its limit, or a small idle
/// default. A node uses a base amount (its system daemons) plus what its running pods use. Time comes from the
/// TimeProvider only, so ramps move with a fake clock.
/// </summary>
internal sealed class ResourceUsageSimulator(TimeProvider time, ResourceUsageOverrides overrides)
{
    /// <summary>The CPU usage annotation: "250m", "40%" (of the request), or a ramp "100m->900m/5m".</summary>
    public const string CpuUsageAnnotation = "fakeapiserver.io/cpu-usage";

    /// <summary>The memory usage annotation: "64Mi", "50%" (of the request), or a ramp "64Mi->256Mi/10m".</summary>
    public const string MemoryUsageAnnotation = "fakeapiserver.io/memory-usage";

    /// <summary>
    /// The window every sample covers: the metric resolution of metrics-server as its deployment manifests run it
    /// (--metric-resolution=15s), which is what `kubectl get podmetrics` shows as WINDOW.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    /// <summary>What a container without request, limit or annotation uses: an idle process (1m CPU, 4Mi memory).</summary>
    public static readonly ContainerUsage IdleContainer = new(0.001m, 4m * 1024 * 1024);

    /// <summary>What a node uses besides its pods (kubelet, container runtime, system daemons): 50m CPU, 256Mi memory.</summary>
    public static readonly ContainerUsage NodeBase = new(0.05m, 256m * 1024 * 1024);

    /// <summary>The test's values.</summary>
    public ResourceUsageOverrides Overrides { get; } = overrides;

    /// <summary>The current time of the server's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whether the pod is measured: it runs on a node.</summary>
    public static bool IsMeasured(JsonObject pod) =>
        pod["status"]?["phase"]?.GetValue<string>() == "Running" && pod["spec"]?["nodeName"] is not null;

    /// <summary>
    /// The usage of each running container of the pod (its containers and its restartable init containers, in spec
    /// order), with CPU in cores and memory in bytes; empty when the pod is not measured.
    /// </summary>
    public IReadOnlyList<(string Name, decimal Cpu, decimal Memory)> Containers(JsonObject pod, DateTimeOffset now)
    {
        if (!IsMeasured(pod))
        {
            return [];
        }

        var annotations = pod.Metadata()["annotations"] as JsonObject;
        var cpuProfile = UsageProfile.Parse(annotations?[CpuUsageAnnotation]?.GetValue<string>());
        var memoryProfile = UsageProfile.Parse(annotations?[MemoryUsageAnnotation]?.GetValue<string>());
        var elapsed = now - StartTime(pod);
        var (ns, name) = (pod.Namespace(), pod.Name());
        var result = new List<(string, decimal, decimal)>();
        foreach (var container in RunningContainers(pod))
        {
            var containerName = container.GetString("name") ?? "";
            var set = Overrides.Find(ns, name, containerName);
            var cpuReference = Amount(container, "requests", "cpu") ?? Amount(container, "limits", "cpu");
            var memoryReference = Amount(container, "requests", "memory") ?? Amount(container, "limits", "memory");
            var cpu = set?.Cpu ?? cpuProfile?.At(elapsed, cpuReference) ?? cpuReference ?? IdleContainer.Cpu!.Value;
            var memory = set?.Memory ?? memoryProfile?.At(elapsed, memoryReference) ?? memoryReference ?? IdleContainer.Memory!.Value;

            // metrics-server's resolution: nanocores and bytes.
            result.Add((containerName, decimal.Round(cpu, 9, MidpointRounding.AwayFromZero), decimal.Round(memory, 0, MidpointRounding.AwayFromZero)));
        }

        return result;
    }

    /// <summary>The metrics.k8s.io/v1beta1 PodMetrics of a measured pod (labels copied, as metrics-server does), or null.</summary>
    public JsonObject? PodMetrics(JsonObject pod, DateTimeOffset now)
    {
        if (!IsMeasured(pod))
        {
            return null;
        }

        var containers = new JsonArray();
        foreach (var (name, cpu, memory) in Containers(pod, now))
        {
            containers.Add(new JsonObject { ["name"] = name, ["usage"] = Usage(cpu, memory) });
        }

        var metadata = new JsonObject
        {
            ["name"] = pod.Name(),
            ["namespace"] = pod.Namespace(),
            ["creationTimestamp"] = ObjectMeta.FormatTime(now),
        };
        CopyLabels(pod, metadata);
        return new JsonObject
        {
            ["kind"] = "PodMetrics",
            ["apiVersion"] = MetricsApiVersion,
            ["metadata"] = metadata,
            ["timestamp"] = ObjectMeta.FormatTime(now),
            ["window"] = WindowText,
            ["containers"] = containers,
        };
    }

    /// <summary>The NodeMetrics of a node: <see cref="NodeBase"/> plus the usage of <paramref name="pods"/> bound to it.</summary>
    public JsonObject NodeMetrics(JsonObject node, IEnumerable<JsonObject> pods, DateTimeOffset now)
    {
        var nodeName = node.Name();
        decimal cpu = NodeBase.Cpu!.Value, memory = NodeBase.Memory!.Value;
        foreach (var pod in pods.Where(p => p["spec"]?["nodeName"]?.GetValue<string>() == nodeName))
        {
            foreach (var container in Containers(pod, now))
            {
                cpu += container.Cpu;
                memory += container.Memory;
            }
        }

        var metadata = new JsonObject { ["name"] = nodeName, ["creationTimestamp"] = ObjectMeta.FormatTime(now) };
        CopyLabels(node, metadata);
        return new JsonObject
        {
            ["kind"] = "NodeMetrics",
            ["apiVersion"] = MetricsApiVersion,
            ["metadata"] = metadata,
            ["timestamp"] = ObjectMeta.FormatTime(now),
            ["window"] = WindowText,
            ["usage"] = Usage(cpu, memory),
        };
    }

    /// <summary>A usage map as metrics-server writes it: cpu in decimal units (e.g. 250m), memory in binary ones (e.g. 64Mi).</summary>
    public static JsonObject Usage(decimal cpu, decimal memory) => new()
    {
        ["cpu"] = Format(cpu, ResourceQuantity.SuffixFormat.DecimalSI),
        ["memory"] = Format(memory, ResourceQuantity.SuffixFormat.BinarySI),
    };

    private const string MetricsApiVersion = "metrics.k8s.io/v1beta1";

    private static string WindowText => ((long)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    private static string Format(decimal amount, ResourceQuantity.SuffixFormat format) =>
        amount == 0m ? "0" : new ResourceQuantity(amount, 0, format).CanonicalizeString();

    private static void CopyLabels(JsonObject from, JsonObject metadata)
    {
        if (from.Metadata()["labels"] is JsonObject { Count: > 0 } labels)
        {
            metadata["labels"] = labels.DeepClone();
        }
    }

    /// <summary>When the pod started (status.startTime), else when it was created: where ramps begin.</summary>
    private static DateTimeOffset StartTime(JsonObject pod)
    {
        var text = pod["status"]?["startTime"]?.GetValue<string>() ?? pod.Metadata().GetString("creationTimestamp");
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : DateTimeOffset.MinValue;
    }

    private static IEnumerable<JsonObject> RunningContainers(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject;
        var containers = (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>();
        var sidecars = (spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().Where(c => c.GetString("restartPolicy") == "Always");
        return containers.Concat(sidecars);
    }

    private static decimal? Amount(JsonObject container, string list, string resource) =>
        Quota.ResourceAmount.Parse(container["resources"]?[list]?[resource])?.Value;
}
