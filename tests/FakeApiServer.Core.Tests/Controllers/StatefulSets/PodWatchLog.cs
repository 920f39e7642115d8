using System.Collections.Concurrent;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.Tests.Controllers.StatefulSets;

/// <summary>
/// Records every pod event of a namespace through the client's watch, from before the test acts, so a test can assert
/// the order in which pods were added, became Ready and were deleted.
/// </summary>
internal sealed class PodWatchLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<(WatchEventType Type, string Name, bool Ready)> _events = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _watching;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PodWatchLog(FakeCluster cluster, string ns, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watching = WatchAsync(cluster, ns, _stop.Token);
    }

    /// <summary>Starts watching; the watch resumes from the resourceVersion of a list, so no event after this returns is missed.</summary>
    public static async Task<PodWatchLog> StartAsync(FakeCluster cluster, string ns, CancellationToken cancellationToken)
    {
        var log = new PodWatchLog(cluster, ns, cancellationToken);
        await log._started.Task.WaitAsync(cancellationToken);
        return log;
    }

    /// <summary>The pod names in the order of their first event of <paramref name="type"/>.</summary>
    public IReadOnlyList<string> Names(WatchEventType type) =>
        _events.Where(e => e.Type == type).Select(e => e.Name).Distinct().ToList();

    /// <summary>The pod names in the order they first became Ready.</summary>
    public IReadOnlyList<string> ReadyOrder() => _events.Where(e => e.Ready).Select(e => e.Name).Distinct().ToList();

    /// <summary>The position of the first event matching <paramref name="match"/>, or -1.</summary>
    public int IndexOf(Func<(WatchEventType Type, string Name, bool Ready), bool> match) => _events.ToList().FindIndex(e => match(e));

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the events received so far: the watch delivers events after
    /// the change is visible to a list, so a test asserts on the log only after waiting for the events it expects.
    /// </summary>
    public async Task WaitUntilAsync(Func<PodWatchLog, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task WatchAsync(FakeCluster cluster, string ns, CancellationToken cancellationToken)
    {
        var list = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken);
        var events = cluster.Client.CoreV1.WatchListNamespacedPodAsync(
            ns, resourceVersion: list.Metadata.ResourceVersion, onError: _ => { }, cancellationToken: cancellationToken);
        _started.SetResult();
        await foreach (var (type, pod) in events)
        {
            var ready = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            TaskCompletionSource changed;
            lock (_gate)
            {
                _events.Enqueue((type, pod.Metadata.Name, ready));
                (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            changed.SetResult();
        }
    }
}
