using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// The events of one watch (<see cref="ResourceWatch.OpenAsync"/>), read in batches: <see cref="TryRead"/> takes
/// what is ready now (the initial events, then the store's changes translated through the watcher's selectors),
/// <see cref="WaitToReadAsync"/> waits for more. Reading costs no task and no iterator step per event, so a server
/// with many watchers pays per event and watcher little more than the copy to the client's stream, and a watcher
/// that fell behind takes everything queued at once. One reader only. Dispose it to stop watching.
/// </summary>
internal sealed class ResourceWatchStream : IDisposable
{
    private readonly WatchSubscription? _subscription;
    private readonly Func<JsonObject, bool>? _filter;
    private IEnumerator<ResourceEvent>? _initial;
    private ResourceEvent? _error;

    /// <summary>A watch from <paramref name="initial"/> (may be null) on, then the subscription's changes.</summary>
    internal ResourceWatchStream(WatchSubscription subscription, Func<JsonObject, bool>? filter, IEnumerator<ResourceEvent>? initial)
    {
        _subscription = subscription;
        _filter = filter;
        _initial = initial;
    }

    /// <summary>A watch that sends one ERROR event and ends (its start was compacted).</summary>
    internal ResourceWatchStream(ResourceEvent error) => _error = error;

    /// <summary>Takes the next event if one is ready now; false when none is (wait, or the watch ended).</summary>
    public bool TryRead([MaybeNullWhen(false)] out ResourceEvent change)
    {
        if (_error is { } error)
        {
            _error = null;
            change = error;
            return true;
        }

        if (_initial is { } initial)
        {
            if (initial.MoveNext())
            {
                change = initial.Current;
                return true;
            }

            initial.Dispose();
            _initial = null;
        }

        if (_subscription is { } subscription)
        {
            while (subscription.TryRead(out var stored))
            {
                if (ResourceWatch.Translate(stored, _filter) is { } translated)
                {
                    change = translated;
                    return true;
                }
            }
        }

        change = null;
        return false;
    }

    /// <summary>
    /// True once <see cref="TryRead"/> may have an event (a change the selectors leave out may still make it answer
    /// false: wait again); false when the watch ended (the store closed it, it fell behind, or its one ERROR event
    /// was read). Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires,
    /// and nothing queued is lost: waiting again goes on where it stopped.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (_error is not null || _initial is not null)
        {
            return new ValueTask<bool>(true);
        }

        return _subscription is { } subscription ? subscription.WaitToReadAsync(cancellationToken) : new ValueTask<bool>(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _initial?.Dispose();
        _initial = null;
        _subscription?.Dispose();
    }
}
