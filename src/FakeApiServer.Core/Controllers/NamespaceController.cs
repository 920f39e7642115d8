using System.Text.Json.Nodes;
using System.Threading.Channels;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers;

/// <summary>
/// Namespace termination, as kube-controller-manager's namespace controller: when a namespace is marked for
/// deletion, every object in it is deleted through the registry; once none is left, the "kubernetes" finalizer is
/// removed through namespaces/finalize and the registry removes the namespace. Objects held by their own finalizers
/// keep the namespace Terminating until they go, and the controller retries.
/// </summary>
internal sealed partial class NamespaceController : IController
{
    /// <summary>How long to wait before looking again at a namespace whose content is still going away.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();

    public NamespaceController(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _time = context.Time;
        _logger = context.LoggerFactory.CreateLogger<NamespaceController>();
    }

    public string Name => "namespace";

    /// <summary>Watches namespaces and reconciles the terminating ones until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(WatchAsync(cancellationToken), WorkAsync(cancellationToken));

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var namespaces = _catalog.Get("", "namespaces").Definition;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // resourceVersion unset: every existing namespace first, so a restart finishes what was begun.
                await foreach (var change in ResourceWatch.WatchAsync(namespaces, _store, "", new ListOptions(), cancellationToken))
                {
                    if (change.Object is { } stored && change.Type is ResourceEventType.Added or ResourceEventType.Modified
                        && ObjectJson.Parse(stored.Value).HasDeletionTimestamp())
                    {
                        await _queue.Writer.WriteAsync(ObjectJson.Parse(stored.Value).Name(), cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var name in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (!await ReconcileAsync(name, cancellationToken))
                    {
                        _ = RequeueLaterAsync(name, cancellationToken);
                    }
                }
                catch (ApiException e)
                {
                    Log.ReconcileFailed(_logger, name, e.Message);
                    _ = RequeueLaterAsync(name, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes what is left in the namespace; true when the namespace is done (finalized or gone).</summary>
    internal async Task<bool> ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        var namespaces = _catalog.Get("", "namespaces");
        if (namespaces.TryGet("", name) is not { } stored || !ObjectJson.Parse(stored.Value).HasDeletionTimestamp())
        {
            return true;
        }

        var remaining = 0;
        foreach (var resource in _catalog.All.Where(s => s.Definition.Namespaced))
        {
            foreach (var item in _store.Latest.Range(resource.Definition.NamespacePrefix(name)).ToList())
            {
                remaining++;
                var obj = ObjectJson.Parse(item.Value);
                if (obj.HasDeletionTimestamp())
                {
                    continue;
                }

                try
                {
                    await resource.DeleteAsync(name, obj.Name(), new DeleteOptions { PropagationPolicy = "Background" }, cancellationToken);
                }
                catch (ApiException e) when (e.Code is 404 or 409)
                {
                    // Gone meanwhile, or changed: the next pass sees it.
                }
            }
        }

        if (remaining > 0 && AnyLeft(name))
        {
            return false;
        }

        await namespaces.UpdateAsync("", name, ns =>
        {
            ns.Metadata().Remove("resourceVersion");
            if (ns["spec"] is JsonObject spec && spec["finalizers"] is JsonArray finalizers)
            {
                foreach (var f in finalizers.Where(f => f?.GetValue<string>() == Apis.Core.Namespaces.NamespaceStrategy.KubernetesFinalizer).ToList())
                {
                    finalizers.Remove(f);
                }
            }

            return ns;
        }, namespaces.Definition.SubresourceStrategy("finalize")!, new WriteOptions(), cancellationToken);
        Log.NamespaceFinalized(_logger, name);
        return true;
    }

    private bool AnyLeft(string name) =>
        _catalog.All.Where(s => s.Definition.Namespaced).Any(s => _store.Latest.Range(s.Definition.NamespacePrefix(name)).Any());

    private async Task RequeueLaterAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RetryDelay, _time, cancellationToken);
            await _queue.Writer.WriteAsync(name, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Namespace {Namespace} is empty and finalized")]
        public static partial void NamespaceFinalized(ILogger logger, string @namespace);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Namespace {Namespace} could not be finalized yet: {Reason}")]
        public static partial void ReconcileFailed(ILogger logger, string @namespace, string reason);
    }
}
