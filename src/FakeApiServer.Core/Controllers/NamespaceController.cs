using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
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
internal sealed partial class NamespaceController(ControllerContext context) : Reconciler<string>(context, "namespace")
{
    /// <summary>How long to wait before looking again at a namespace whose content is still going away.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly ResourceCatalog _catalog = context.Catalog;
    private readonly IRevisionedStore _store = context.Store;

    /// <summary>Every namespace marked for deletion (the first list too, so a restart finishes what was begun).</summary>
    protected override void Watch(SharedInformerFactory informers) =>
        informers.Namespaces.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted && e.Object.HasDeletionTimestamp())
            {
                Queue.Add(e.Object.Name());
            }
        });

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (!await FinalizeAsync(name, cancellationToken))
        {
            RequeueAfter(name, RetryDelay);
        }
    }

    /// <summary>Deletes what is left in the namespace; true when the namespace is done (finalized or gone).</summary>
    internal async Task<bool> FinalizeAsync(string name, CancellationToken cancellationToken)
    {
        var namespaces = _catalog.Get("", "namespaces");
        if (Informers.Namespaces.Lister.Get(name) is not { } ns || !ns.HasDeletionTimestamp())
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

        await namespaces.UpdateAsync("", name, current =>
        {
            current.Metadata().Remove("resourceVersion");
            if (current["spec"] is JsonObject spec && spec["finalizers"] is JsonArray finalizers)
            {
                foreach (var f in finalizers.Where(f => f?.GetValue<string>() == Apis.Core.Namespaces.NamespaceStrategy.KubernetesFinalizer).ToList())
                {
                    finalizers.Remove(f);
                }
            }

            return current;
        }, namespaces.Definition.FinalizeStrategy!, new WriteOptions(), cancellationToken);
        Log.NamespaceFinalized(Logger, name);
        return true;
    }

    private bool AnyLeft(string name) =>
        _catalog.All.Where(s => s.Definition.Namespaced).Any(s => _store.Latest.Range(s.Definition.NamespacePrefix(name)).Any());

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Namespace {Namespace} is empty and finalized")]
        public static partial void NamespaceFinalized(ILogger logger, string @namespace);
    }
}
