using System.Collections.Concurrent;

namespace FakeApiServer.ResourceUsage;

/// <summary>
/// The usage a test sets through the fixture (FakeCluster.Metrics), which wins over a pod's annotations: fixed values
/// per container, then a delegate asked for every container. One instance per server; thread-safe.
/// </summary>
internal sealed class ResourceUsageOverrides
{
    private readonly ConcurrentDictionary<(string Namespace, string Pod, string Container), ContainerUsage> _fixed = new();
    private volatile Func<string, string, string, ContainerUsage?>? _provider;

    /// <summary>Sets what <paramref name="container"/> of the pod uses from now on (null parts keep the simulated value).</summary>
    public void Set(string ns, string pod, string container, ContainerUsage usage) => _fixed[(ns, pod, container)] = usage;

    /// <summary>Forgets the values set for the pod's containers.</summary>
    public void Clear(string ns, string pod)
    {
        foreach (var key in _fixed.Keys.Where(k => k.Namespace == ns && k.Pod == pod))
        {
            _fixed.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every value and the delegate.</summary>
    public void ClearAll()
    {
        _fixed.Clear();
        _provider = null;
    }

    /// <summary>
    /// Asks <paramref name="provider"/> (namespace, pod, container) for every container whose usage was not set with
    /// <see cref="Set"/>; it answers null to leave a container to its annotations and requests. Null removes it.
    /// </summary>
    public void SetProvider(Func<string, string, string, ContainerUsage?>? provider) => _provider = provider;

    /// <summary>What the test says the container uses, or null when it says nothing.</summary>
    public ContainerUsage? Find(string ns, string pod, string container) =>
        _fixed.TryGetValue((ns, pod, container), out var usage) ? usage : _provider?.Invoke(ns, pod, container);
}
