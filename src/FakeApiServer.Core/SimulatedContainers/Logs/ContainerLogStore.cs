using System.Collections.Concurrent;

namespace FakeApiServer.SimulatedContainers.Logs;

/// <summary>
/// The logs of the simulated containers, shared by the simulated kubelet, which writes them, the pods/log endpoint,
/// which reads them, and the test fixture, which appends to them: per pod (by uid) and container, the current run and
/// the one before it (what <c>kubectl logs --previous</c> shows after a restart), each run found by its container id as
/// the pod's status names it. Memory stays bounded: two runs per container, each capped at <see cref="MaxBytesPerRun"/>
/// (the kubelet's default containerLogMaxSize, 10Mi), and a deleted pod's logs go with it.
/// </summary>
internal sealed class ContainerLogStore
{
    /// <summary>The kubelet's default containerLogMaxSize: 10Mi per container log, oldest lines dropped beyond it.</summary>
    public const long DefaultMaxBytesPerRun = 10 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, PodLogs> _pods = new(StringComparer.Ordinal);

    public ContainerLogStore(TimeProvider time, long maxBytesPerRun = DefaultMaxBytesPerRun)
    {
        Time = time;
        MaxBytesPerRun = maxBytesPerRun;
    }

    /// <summary>The server's clock: the time of lines appended without one.</summary>
    public TimeProvider Time { get; }

    /// <summary>How many bytes a run keeps before it drops its oldest lines.</summary>
    public long MaxBytesPerRun { get; }

    /// <summary>
    /// The run <paramref name="containerId"/> of a container, begun when new: the container's current run then becomes
    /// its previous (ended), and the one before that is dropped.
    /// </summary>
    public ContainerRun Run(string podUid, string container, string containerId)
    {
        var pod = _pods.GetOrAdd(podUid, _ => new PodLogs());
        ContainerRun? replaced = null;
        ContainerRun run;
        lock (pod)
        {
            var runs = pod.Containers.GetValueOrDefault(container);
            if (runs.Current?.ContainerId == containerId)
            {
                return runs.Current;
            }

            if (runs.Previous?.ContainerId == containerId)
            {
                return runs.Previous;
            }

            run = new ContainerRun(containerId, MaxBytesPerRun);
            replaced = runs.Current;
            pod.Containers[container] = (run, runs.Current ?? runs.Previous);
        }

        replaced?.End();
        return run;
    }

    /// <summary>The run <paramref name="containerId"/> of a container if it is one of the two kept, else null.</summary>
    public ContainerRun? Find(string podUid, string container, string containerId)
    {
        if (!_pods.TryGetValue(podUid, out var pod))
        {
            return null;
        }

        lock (pod)
        {
            var runs = pod.Containers.GetValueOrDefault(container);
            return runs.Current?.ContainerId == containerId ? runs.Current : runs.Previous?.ContainerId == containerId ? runs.Previous : null;
        }
    }

    /// <summary>Forgets a deleted pod's logs; followers of its runs stop.</summary>
    public void RemovePod(string podUid)
    {
        if (!_pods.TryRemove(podUid, out var pod))
        {
            return;
        }

        List<ContainerRun> runs;
        lock (pod)
        {
            runs = [.. pod.Containers.Values.SelectMany(r => new[] { r.Current, r.Previous }).OfType<ContainerRun>()];
        }

        foreach (var run in runs)
        {
            run.End();
        }
    }

    /// <summary>How many pods have logs (tests of the cleanup).</summary>
    internal int PodCount => _pods.Count;

    /// <summary>One pod's containers, locked while a container's runs change.</summary>
    private sealed class PodLogs
    {
        public Dictionary<string, (ContainerRun? Current, ContainerRun? Previous)> Containers { get; } = new(StringComparer.Ordinal);
    }
}
