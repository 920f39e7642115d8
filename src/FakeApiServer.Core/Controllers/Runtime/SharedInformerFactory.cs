using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// The informers of every controller (client-go's SharedInformerFactory): one <see cref="SharedInformer"/> per
/// resource, made on first request and shared from then on. Informers start with <see cref="Start"/> (the
/// controller manager calls it); one requested later starts at once.
/// </summary>
internal sealed class SharedInformerFactory : IAsyncDisposable
{
    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Group, string Plural), SharedInformer> _informers = [];
    private readonly List<Task> _running = [];
    private readonly Lock _lock = new();
    private CancellationToken? _started;

    public SharedInformerFactory(ResourceCatalog catalog, IRevisionedStore store, ILoggerFactory loggerFactory)
    {
        _catalog = catalog;
        _store = store;
        _logger = loggerFactory.CreateLogger<SharedInformer>();
    }

    /// <summary>The pods informer.</summary>
    public SharedInformer Pods => For("", "pods");

    /// <summary>The nodes informer.</summary>
    public SharedInformer Nodes => For("", "nodes");

    /// <summary>The services informer.</summary>
    public SharedInformer Services => For("", "services");

    /// <summary>The namespaces informer.</summary>
    public SharedInformer Namespaces => For("", "namespaces");

    /// <summary>The informer of a served resource (any version); throws when the catalog does not serve it.</summary>
    public SharedInformer For(string group, string plural)
    {
        lock (_lock)
        {
            if (_informers.TryGetValue((group, plural), out var informer))
            {
                return informer;
            }

            informer = new SharedInformer(_catalog.Get(group, plural).Definition, _store, _logger);
            _informers[(group, plural)] = informer;
            if (_started is { } token)
            {
                _running.Add(informer.RunAsync(token));
            }

            return informer;
        }
    }

    /// <summary>Starts the informers made so far, and every later one, until <paramref name="cancellationToken"/> fires.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_started is not null)
            {
                return;
            }

            _started = cancellationToken;
            _running.AddRange(_informers.Values.Select(i => i.RunAsync(cancellationToken)));
        }
    }

    /// <summary>Waits for the informers to return (after the token given to <see cref="Start"/> fired).</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_lock)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
    }
}
