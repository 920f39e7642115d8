using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage;

/// <summary>
/// Fans committed events out to watchers. <see cref="Publish"/> and <see cref="Add"/> are called under the
/// store's publish lock, which also covers the history ring, so a new watcher's backlog ends exactly where
/// its live events begin. Removal (dispose, overflow) is lock-free, so a watcher can leave from any thread.
/// </summary>
internal sealed partial class WatchHub(ILogger logger)
{
    private ImmutableArray<WatchSubscription> _subscribers = [];
    private bool _closed;

    public int Count => _subscribers.Length;

    /// <summary>Registers a watcher; false when the hub is closed (the store is disposed).</summary>
    public bool Add(WatchSubscription subscription)
    {
        if (_closed)
        {
            return false;
        }

        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => list.Add(s), subscription);
        return true;
    }

    public void Remove(WatchSubscription subscription) =>
        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => list.Remove(s), subscription);

    /// <summary>Queues <paramref name="events"/> (ascending) to every matching watcher; never blocks.</summary>
    public void Publish(IReadOnlyList<WatchEvent> events)
    {
        foreach (var subscription in _subscribers)
        {
            foreach (var change in events)
            {
                if (!subscription.TryDeliver(change))
                {
                    if (subscription.Overflowed)
                    {
                        Log.WatcherOverflowed(logger, subscription.KeyPrefix, change.Revision);
                    }

                    Remove(subscription);
                    break;
                }
            }
        }
    }

    /// <summary>Ends every watch and refuses new ones.</summary>
    public void Close()
    {
        _closed = true;
        foreach (var subscription in ImmutableInterlocked.InterlockedExchange(ref _subscribers, []))
        {
            subscription.Close();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Closed a watcher on prefix {KeyPrefix} that fell behind at revision {Revision}")]
        public static partial void WatcherOverflowed(ILogger logger, string keyPrefix, long revision);
    }
}
