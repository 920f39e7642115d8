using FakeApiServer.ResourceUsage;
using k8s.Models;

namespace FakeApiServer.Testing;

/// <summary>
/// The simulated resource usage of a <see cref="FakeCluster"/>'s containers, which metrics.k8s.io serves (kubectl top)
/// and the HorizontalPodAutoscaler controller reads. What a test sets here wins over a pod's fakeapiserver.io/cpu-usage
/// and memory-usage annotations, which win over the containers' requests (then limits, then an idle 1m / 4Mi). Only
/// running pods report usage. Values apply from the next read on; nothing is cached.
/// <code>cluster.Metrics.SetUsage("default", "web-0", "main", cpu: "250m", memory: "64Mi");</code>
/// </summary>
public sealed class FakeClusterMetrics
{
    private readonly ResourceUsageOverrides _overrides;

    internal FakeClusterMetrics(ResourceUsageOverrides overrides) => _overrides = overrides;

    /// <summary>Sets what one container uses from now on; a null part keeps its simulated value.</summary>
    /// <param name="ns">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container's name.</param>
    /// <param name="cpu">A CPU quantity, e.g. "250m" or "1.5"; null to leave CPU simulated.</param>
    /// <param name="memory">A memory quantity, e.g. "64Mi"; null to leave memory simulated.</param>
    /// <exception cref="FormatException">A value is not a quantity.</exception>
    public void SetUsage(string ns, string pod, string container, string? cpu, string? memory)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        _overrides.Set(ns, pod, container, new ContainerUsage(Amount(cpu), Amount(memory)));
    }

    /// <summary>
    /// Asks <paramref name="usage"/> for the usage of every container not set with the other overload, on every read:
    /// it gets (namespace, pod, container) and answers (cpu, memory) quantities, a null part or a null answer leaving
    /// that to the annotations and requests. It runs on the server's threads and must be thread-safe and quick.
    /// Null removes it.
    /// </summary>
    /// <param name="usage">The delegate, e.g. <c>(ns, pod, container) => (cpu: current, memory: null)</c>.</param>
    public void SetUsage(Func<string, string, string, (string? Cpu, string? Memory)?>? usage) =>
        _overrides.SetProvider(usage is null ? null : (ns, pod, container) =>
            usage(ns, pod, container) is { } answer ? new ContainerUsage(Amount(answer.Cpu), Amount(answer.Memory)) : null);

    /// <summary>Forgets the values set for a pod's containers.</summary>
    /// <param name="ns">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    public void ClearUsage(string ns, string pod) => _overrides.Clear(ns, pod);

    /// <summary>Forgets every value and the delegate: usage is simulated from annotations and requests again.</summary>
    public void Reset() => _overrides.ClearAll();

    private static decimal? Amount(string? quantity) => quantity is null ? null : new ResourceQuantity(quantity).ToDecimal();
}
