using System.Collections.Concurrent;
using k8s;

namespace FakeApiServer.Samples;

/// <summary>
/// The code under test in <see cref="WatchExpiredSample"/>: a controller written with KubernetesClient that keeps the
/// names of a namespace's ConfigMaps by listing, then watching from the list's resourceVersion, and listing again
/// whenever the watch ends (after a 410 Expired ERROR event, the only way to resume).
/// </summary>
public sealed class ConfigMapMirror(IKubernetes client, string ns)
{
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lists;
    private int _expired;

    /// <summary>How many times it listed.</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>How many watches ended with 410 Expired.</summary>
    public int Expired => Volatile.Read(ref _expired);

    /// <summary>Lists and watches until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: cancellationToken);
            Interlocked.Increment(ref _lists);
            _names.Clear();
            foreach (var item in list.Items)
            {
                _names[item.Metadata.Name] = true;
            }

            Changed();
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(
                ns, resourceVersion: list.Metadata.ResourceVersion, onError: OnError, cancellationToken: cancellationToken))
            {
                if (type == WatchEventType.Deleted)
                {
                    _names.TryRemove(item.Metadata.Name, out _);
                }
                else
                {
                    _names[item.Metadata.Name] = true;
                }

                Changed();
            }
        }
    }

    /// <summary>Waits until the names it knows meet <paramref name="condition"/>; woken by each change, not by polling.</summary>
    public async Task WaitForAsync(Func<ICollection<string>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition(_names.Keys))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void OnError(Exception error)
    {
        if (error is KubernetesException { Status.Code: 410 })
        {
            Interlocked.Increment(ref _expired);
        }
    }

    private void Changed() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
