using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// One watch of one resource for every controller that needs it (client-go's shared informer): it lists, then
/// watches the store, parses each version at most once and only when a handler reads it (<see cref="ParsedObjects"/>), and calls every handler with every
/// change, in revision order. When the watch ends (a slow watcher is closed, history compacted) it lists again and
/// tells handlers what changed meanwhile: Modified for every object still there (as client-go's re-list does),
/// Deleted for those gone. Handlers run on the informer's loop one at a time and must be quick (enqueue a key).
/// </summary>
internal sealed partial class SharedInformer
{
    private readonly IRevisionedStore _store;
    private readonly ParsedObjects _parsed;
    private readonly ILogger _logger;
    private readonly List<Action<InformerEvent>> _handlers = [];
    private readonly Dictionary<string, InformerVersion> _seen = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    public SharedInformer(ResourceDefinition definition, IRevisionedStore store, ILogger logger)
    {
        _store = store;
        _parsed = new ParsedObjects();
        _logger = logger;
        Lister = new ResourceLister(definition, store, _parsed);
    }

    /// <summary>Reads the resource (the store's latest state, parsed once).</summary>
    public ResourceLister Lister { get; }

    /// <summary>The resource watched.</summary>
    public ResourceDefinition Definition => Lister.Definition;

    /// <summary>Whether the first list has been handed to the handlers (client-go's HasSynced).</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>
    /// Adds a handler. One added after the first list gets an Added event for every object already seen (as client-go
    /// replays to late handlers), before any later change.
    /// </summary>
    public void AddHandler(Action<InformerEvent> handler)
    {
        lock (_lock)
        {
            _handlers.Add(handler);
            foreach (var version in _seen.Values)
            {
                Call(handler, new InformerEvent(InformerEventType.Added, version));
            }
        }
    }

    /// <summary>Completes when the first list has been handed to the handlers.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Lists and watches until cancelled or the store is disposed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            WatchSubscription? subscription;
            try
            {
                subscription = Relist();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (subscription is null)
            {
                continue;
            }

            using (subscription)
            {
                try
                {
                    await foreach (var change in subscription.ReadAllAsync(cancellationToken))
                    {
                        Apply(change);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Hands the latest state to the handlers as changes against what they saw; returns the watch from there.</summary>
    private WatchSubscription? Relist()
    {
        var snapshot = _store.Latest;
        lock (_lock)
        {
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stored in snapshot.Range(Definition.KeyPrefix))
            {
                present.Add(stored.Key);
                var version = Version(stored);
                var old = _seen.GetValueOrDefault(stored.Key);
                _seen[stored.Key] = version;
                Dispatch(old is null ? new InformerEvent(InformerEventType.Added, version) : new InformerEvent(InformerEventType.Modified, version, old));
            }

            foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList())
            {
                var last = _seen[gone];
                _seen.Remove(gone);
                Dispatch(new InformerEvent(InformerEventType.Deleted, last.AsDeleted()));
            }

            _synced.TrySetResult();
        }

        return _store.Watch(Definition.KeyPrefix, snapshot.Revision);
    }

    private void Apply(WatchEvent change)
    {
        lock (_lock)
        {
            var key = change.Object.Key;
            if (change.Type == WatchEventType.Deleted)
            {
                // The last state is parsed apart from the shared cache, which the key leaves here.
                var last = _seen.Remove(key, out var seen) ? seen.AsDeleted() : Version(change.Object, cached: false);
                _parsed.Remove(key, change.Revision);
                Dispatch(new InformerEvent(InformerEventType.Deleted, last));
                return;
            }

            var version = Version(change.Object);
            var old = _seen.GetValueOrDefault(key);
            _seen[key] = version;
            Dispatch(old is null ? new InformerEvent(InformerEventType.Added, version) : new InformerEvent(InformerEventType.Modified, version, old));
        }
    }

    private InformerVersion Version(StoredObject stored, bool cached = true) => new(stored, _parsed, Definition.KeyPrefix.Length, cached);

    private void Dispatch(InformerEvent change)
    {
        foreach (var handler in _handlers)
        {
            Call(handler, change);
        }
    }

    private void Call(Action<InformerEvent> handler, InformerEvent change)
    {
        try
        {
            handler(change);
        }
#pragma warning disable CA1031 // A failing handler is a bug to log; the other handlers and later events go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, Definition.Plural, change.Namespace, change.Name, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "An event handler of the {Resource} informer failed on {Namespace}/{Name}; this is a bug")]
        public static partial void HandlerFailed(ILogger logger, string resource, string @namespace, string name, Exception error);
    }
}
