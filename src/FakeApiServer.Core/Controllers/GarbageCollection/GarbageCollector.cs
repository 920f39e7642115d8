using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.GarbageCollection;

/// <summary>
/// kube-controller-manager's garbage collector over metadata.ownerReferences (matched by uid, the owner looked up by
/// kind and name in the dependent's namespace, or cluster-wide for cluster-scoped kinds):
/// <list type="bullet">
/// <item>Background: a dependent whose owners are all gone is deleted (its own dependents follow the same way); a
/// dependent that still has an owner only loses the references to the missing ones.</item>
/// <item>Foreground: an owner carrying the <c>foregroundDeletion</c> finalizer (ResourceStore.DeleteAsync puts it
/// there for propagationPolicy=Foreground) has its dependents deleted (in the foreground again when they have
/// dependents themselves); the finalizer is removed once no dependent with blockOwnerDeletion=true remains.</item>
/// <item>Orphan: an owner carrying the <c>orphan</c> finalizer has its uid removed from its dependents'
/// ownerReferences, then the finalizer removed.</item>
/// </list>
/// It keeps upstream's dependency graph in memory, built from one watch over every key of the store (so custom
/// resources are covered as soon as they exist), and decides from the latest committed state.
/// </summary>
internal sealed partial class GarbageCollector(ControllerContext context) : Reconciler<string>(context, "garbage-collector")
{
    /// <summary>How long the graph builder waits before it watches again after its history was compacted.</summary>
    private static readonly TimeSpan RewatchDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResourceCatalog _catalog = context.Catalog;
    private readonly IRevisionedStore _store = context.Store;
    private readonly Lock _lock = new();

    /// <summary>Each dependent's storage key and the owner uids it references.</summary>
    private readonly Dictionary<string, IReadOnlyList<OwnerLink>> _ownersOf = new(StringComparer.Ordinal);

    /// <summary>Each owner uid and the storage keys of the objects that reference it.</summary>
    private readonly Dictionary<string, HashSet<string>> _dependentsOf = new(StringComparer.Ordinal);

    /// <summary>The graph builder's own watch over every key runs beside the workers.</summary>
    public override Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(WatchAsync(cancellationToken), base.RunAsync(cancellationToken));

    /// <summary>Nothing: the graph builder watches every key of the store itself, custom resources included.</summary>
    protected override void Watch(SharedInformerFactory informers)
    {
    }

    /// <summary>Builds the graph from the latest state, then follows every change; starts over when the watch ends.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = _store.Latest;
            lock (_lock)
            {
                _ownersOf.Clear();
                _dependentsOf.Clear();
            }

            foreach (var item in snapshot.Range("/"))
            {
                Observe(item, deleted: false);
            }

            using var watch = _store.Watch("/", snapshot.Revision);
            if (watch is null)
            {
                await Task.Delay(RewatchDelay, Time, cancellationToken);
                continue;
            }

            try
            {
                await foreach (var change in watch.ReadAllAsync(cancellationToken))
                {
                    Observe(change.Object, change.Type == WatchEventType.Deleted);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Updates the graph with one object's state and queues what it affects.</summary>
    private void Observe(StoredObject stored, bool deleted)
    {
        var value = stored.Value.AsSpan();
        var mentionsOwners = value.IndexOf("\"ownerReferences\""u8) >= 0;
        var mentionsGcFinalizer = value.IndexOf("\"foregroundDeletion\""u8) >= 0 || value.IndexOf("\"orphan\""u8) >= 0;
        bool known;
        lock (_lock)
        {
            known = _ownersOf.ContainsKey(stored.Key);
        }

        if (deleted)
        {
            var obj = ObjectJson.Parse(stored.Value);
            List<string> affected;
            lock (_lock)
            {
                affected = Forget(stored.Key).Where(o => o.OwnerKey is not null).Select(o => o.OwnerKey!).ToList();
                if (obj.Uid() is { } uid && _dependentsOf.TryGetValue(uid, out var dependents))
                {
                    affected.AddRange(dependents);
                }
            }

            // Dependents may now be orphans; owners waiting in the foreground may now be free.
            affected.ForEach(Queue.Add);
            return;
        }

        if (!mentionsOwners && !mentionsGcFinalizer && !known)
        {
            return;
        }

        var current = ObjectJson.Parse(stored.Value);
        var links = OwnerReferences.Of(current)
            .Where(r => r.GetString("uid") is { Length: > 0 })
            .Select(r => new OwnerLink(r.GetString("uid")!, OwnerKey(r, current.Namespace()), OwnerReferences.BlocksOwnerDeletion(r)))
            .ToList();
        bool changed;
        lock (_lock)
        {
            var before = _ownersOf.GetValueOrDefault(stored.Key) ?? [];
            changed = !before.SequenceEqual(links);
            if (changed)
            {
                Forget(stored.Key);
                if (links.Count > 0)
                {
                    _ownersOf[stored.Key] = links;
                    foreach (var link in links)
                    {
                        if (!_dependentsOf.TryGetValue(link.Uid, out var set))
                        {
                            set = new HashSet<string>(StringComparer.Ordinal);
                            _dependentsOf[link.Uid] = set;
                        }

                        set.Add(stored.Key);
                    }
                }
            }
        }

        if ((changed && links.Count > 0) || (current.HasDeletionTimestamp() && mentionsGcFinalizer))
        {
            Queue.Add(stored.Key);
        }

        if (changed || current.HasDeletionTimestamp())
        {
            // A dependent that lost its reference or started going away may free an owner deleting in the foreground.
            foreach (var owner in links.Select(l => l.OwnerKey).OfType<string>())
            {
                Queue.Add(owner);
            }
        }
    }

    /// <summary>Drops a dependent from the graph; returns the links it had. Call under the lock.</summary>
    private IReadOnlyList<OwnerLink> Forget(string key)
    {
        if (!_ownersOf.Remove(key, out var links))
        {
            return [];
        }

        foreach (var link in links)
        {
            if (_dependentsOf.TryGetValue(link.Uid, out var set) && set.Remove(key) && set.Count == 0)
            {
                _dependentsOf.Remove(link.Uid);
            }
        }

        return links;
    }

    /// <summary>Processes one object as an owner being deleted (orphan, foreground) or as a dependent (attemptToDeleteItem). Idempotent.</summary>
    protected override async Task ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_store.Latest.Get(key) is not { } stored || ResourceFor(key) is not { } resource)
        {
            return;
        }

        var obj = ObjectJson.Parse(stored.Value);
        if (obj.HasDeletionTimestamp())
        {
            var finalizers = obj.Finalizers();
            if (finalizers.Contains(DeletionPropagation.OrphanFinalizer))
            {
                await OrphanDependentsAsync(obj, cancellationToken);
                await RemoveFinalizerAsync(resource, obj, DeletionPropagation.OrphanFinalizer, cancellationToken);
            }
            else if (finalizers.Contains(DeletionPropagation.ForegroundFinalizer))
            {
                var blocking = false;
                foreach (var (dependentKey, dependent) in Dependents(obj))
                {
                    Queue.Add(dependentKey);
                    blocking |= OwnerReferences.Of(dependent).Any(r => r.GetString("uid") == obj.Uid() && OwnerReferences.BlocksOwnerDeletion(r));
                }

                if (!blocking)
                {
                    await RemoveFinalizerAsync(resource, obj, DeletionPropagation.ForegroundFinalizer, cancellationToken);
                }
            }

            return;
        }

        var references = OwnerReferences.Of(obj);
        if (references.Count == 0)
        {
            return;
        }

        var dangling = new List<string>();
        var waiting = false;
        var solid = false;
        foreach (var reference in references)
        {
            switch (OwnerState(reference, obj.Namespace()))
            {
                case Owner.Absent:
                    dangling.Add(reference.GetString("uid") ?? "");
                    break;
                case Owner.WaitingForDependents:
                    waiting = true;
                    break;
                default:
                    solid = true;
                    break;
            }
        }

        if (solid)
        {
            if (dangling.Count > 0)
            {
                await RemoveOwnerReferencesAsync(resource, obj, dangling, cancellationToken);
            }

            return;
        }

        var finalizersOfItem = obj.Finalizers();
        var policy = waiting && HasDependents(obj) ? DeletionPropagation.Foreground
            : finalizersOfItem.Contains(DeletionPropagation.OrphanFinalizer) ? DeletionPropagation.Orphan
            : finalizersOfItem.Contains(DeletionPropagation.ForegroundFinalizer) ? DeletionPropagation.Foreground
            : DeletionPropagation.Background;
        try
        {
            await resource.DeleteAsync(obj.Namespace(), obj.Name(), new DeleteOptions { PreconditionUid = obj.Uid(), PropagationPolicy = policy }, cancellationToken);
            Log.Deleted(Logger, key, policy);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone or replaced meanwhile.
        }
    }

    private enum Owner
    {
        Solid,
        Absent,
        WaitingForDependents,
    }

    /// <summary>Whether the referenced owner exists with that uid, is gone, or is being deleted in the foreground.</summary>
    private Owner OwnerState(JsonObject reference, string ns)
    {
        if (OwnerKey(reference, ns) is not { } ownerKey)
        {
            // A kind this server does not serve (yet): leave the dependent alone, as upstream does until discovery knows it.
            return Owner.Solid;
        }

        if (_store.Latest.Get(ownerKey) is not { } stored)
        {
            return Owner.Absent;
        }

        var owner = ObjectJson.Parse(stored.Value);
        if (owner.Uid() != reference.GetString("uid"))
        {
            return Owner.Absent;
        }

        return owner.HasDeletionTimestamp() && owner.Finalizers().Contains(DeletionPropagation.ForegroundFinalizer)
            ? Owner.WaitingForDependents
            : Owner.Solid;
    }

    /// <summary>The storage key of a referenced owner, or null when its kind is not served.</summary>
    private string? OwnerKey(JsonObject reference, string ns)
    {
        var apiVersion = reference.GetString("apiVersion") ?? "";
        var kind = reference.GetString("kind") ?? "";
        var name = reference.GetString("name") ?? "";
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        var definitions = _catalog.All.Select(s => s.Definition).Where(d => d.Kind == kind && d.Group == group).ToList();
        var definition = definitions.FirstOrDefault(d => d.ApiVersion == apiVersion) ?? definitions.FirstOrDefault();
        return definition?.Key(definition.Namespaced ? ns : "", name);
    }

    private ResourceStore? ResourceFor(string key) => _catalog.All.FirstOrDefault(s => key.StartsWith(s.Definition.KeyPrefix, StringComparison.Ordinal));

    /// <summary>The objects that reference <paramref name="owner"/>'s uid now (the graph, checked against the latest state).</summary>
    private List<(string Key, JsonObject Object)> Dependents(JsonObject owner)
    {
        List<string> keys;
        lock (_lock)
        {
            keys = owner.Uid() is { } uid && _dependentsOf.TryGetValue(uid, out var set) ? [.. set] : [];
        }

        var result = new List<(string, JsonObject)>();
        foreach (var key in keys)
        {
            if (_store.Latest.Get(key) is { } stored)
            {
                var dependent = ObjectJson.Parse(stored.Value);
                if (OwnerReferences.Of(dependent).Any(r => r.GetString("uid") == owner.Uid()))
                {
                    result.Add((key, dependent));
                }
            }
        }

        return result;
    }

    private bool HasDependents(JsonObject obj)
    {
        lock (_lock)
        {
            return obj.Uid() is { } uid && _dependentsOf.ContainsKey(uid);
        }
    }

    private async Task OrphanDependentsAsync(JsonObject owner, CancellationToken cancellationToken)
    {
        foreach (var (key, dependent) in Dependents(owner))
        {
            if (ResourceFor(key) is { } resource)
            {
                await RemoveOwnerReferencesAsync(resource, dependent, [owner.Uid()!], cancellationToken);
            }
        }
    }

    private static async Task RemoveOwnerReferencesAsync(ResourceStore resource, JsonObject dependent, IReadOnlyCollection<string> uids, CancellationToken cancellationToken)
    {
        try
        {
            await resource.UpdateAsync(dependent.Namespace(), dependent.Name(), obj =>
            {
                obj.Metadata().Remove("resourceVersion");
                if (obj.Uid() != dependent.Uid())
                {
                    throw ApiException.NotFound(resource.Definition.GroupResource, dependent.Name());
                }

                var kept = OwnerReferences.Of(obj).Where(r => !uids.Contains(r.GetString("uid") ?? "")).Select(r => (JsonNode)r.DeepClone()).ToArray();
                if (kept.Length == 0)
                {
                    obj.Metadata().Remove("ownerReferences");
                }
                else
                {
                    obj.Metadata()["ownerReferences"] = new JsonArray(kept);
                }

                return obj;
            }, resource.Definition.Strategy, new WriteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Gone meanwhile: nothing to orphan.
        }
    }

    private async Task RemoveFinalizerAsync(ResourceStore resource, JsonObject owner, string finalizer, CancellationToken cancellationToken)
    {
        try
        {
            await resource.UpdateAsync(owner.Namespace(), owner.Name(), obj =>
            {
                obj.Metadata().Remove("resourceVersion");
                if (obj.Uid() != owner.Uid())
                {
                    throw ApiException.NotFound(resource.Definition.GroupResource, owner.Name());
                }

                var kept = obj.Finalizers().Where(f => f != finalizer).Select(f => (JsonNode)JsonValue.Create(f)).ToArray();
                if (kept.Length == 0)
                {
                    obj.Metadata().Remove("finalizers");
                }
                else
                {
                    obj.Metadata()["finalizers"] = new JsonArray(kept);
                }

                return obj;
            }, resource.Definition.Strategy, new WriteOptions(), cancellationToken);
            var (ns, name) = (owner.Namespace(), owner.Name());
            Log.FinalizerRemoved(Logger, finalizer, ns, name);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    /// <summary>One ownerReference of a dependent: the owner's uid, its storage key when its kind is served, and whether it blocks.</summary>
    private sealed record OwnerLink(string Uid, string? OwnerKey, bool Blocks);

    private static partial class Log
    {
        [LoggerMessage(EventId = 651, Level = LogLevel.Debug, Message = "Deleted {Key}, whose owners are gone, with propagation {Policy}")]
        public static partial void Deleted(ILogger logger, string key, string policy);

        [LoggerMessage(EventId = 652, Level = LogLevel.Debug, Message = "Removed the {Finalizer} finalizer of {Namespace}/{Name}")]
        public static partial void FinalizerRemoved(ILogger logger, string finalizer, string @namespace, string name);
    }
}
