using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers;
using FakeApiServer.Registry;
using FakeApiServer.Registry.CustomResources;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// What apiextensions-apiserver's naming, establishing, CRD handler and finalizer controllers do, in one place:
/// <list type="bullet">
/// <item>After each CRD create or update (<see cref="IResourceWriteHooks"/>, before the request is answered) the names
/// are accepted or refused, the conditions set, and the served versions registered in the catalog and the schema
/// provider, so the kind is usable as soon as the create returns.</item>
/// <item>At start, every stored CRD is registered again.</item>
/// <item>A CRD marked for deletion has its custom resources deleted through their registry; then the cleanup
/// finalizer goes, the CRD with it, and its kinds leave the catalog (discovery and OpenAPI follow). The
/// <see cref="CustomResourceDefinitionFinalizer"/> drives this on the shared controller runtime.</item>
/// </list>
/// </summary>
internal sealed partial class CustomResourceDefinitionController : IResourceWriteHooks, IAsyncDisposable
{
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly CustomResourceSchemas _schemas;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _registerLock = new();
    private readonly Dictionary<string, string> _registered = new(StringComparer.Ordinal);

    /// <summary>Set while this controller writes a CRD's status, so the write's own hook does not re-enter.</summary>
    private readonly AsyncLocal<bool> _writingStatus = new();
    private readonly CancellationTokenSource _stop = new();
    private ResourceCatalog? _catalog;
    private CustomResourceDefinitionFinalizer? _finalizer;
    private Task _running = Task.CompletedTask;

    public CustomResourceDefinitionController(IRevisionedStore store, TimeProvider time, CustomResourceSchemas schemas, ILogger logger)
    {
        _store = store;
        _time = time;
        _schemas = schemas;
        _logger = logger;
    }

    private ResourceCatalog Catalog => _catalog ?? throw new InvalidOperationException("the controller is not attached to a catalog");

    private ResourceStore Crds => Catalog.Get(ApiExtensionsGroup.Name, "customresourcedefinitions");

    /// <summary>Binds the controller to the catalog it registers kinds in (built after the CRD definition that names it).</summary>
    public void Attach(ResourceCatalog catalog) => _catalog = catalog;

    /// <summary>Registers every stored CRD (a restart); call before the server answers requests.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var item in _store.Latest.Range(Crds.Definition.KeyPrefix).OrderBy(i => i.CreateRevision).ToList())
        {
            var crd = ObjectJson.Parse(item.Value);
            if (crd.HasDeletionTimestamp())
            {
                Register(crd);
            }
            else
            {
                await EstablishAsync(crd.Name(), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Starts finalizing CRDs marked for deletion (<see cref="CustomResourceDefinitionFinalizer"/>, on the controllers'
    /// shared informers), until <see cref="DisposeAsync"/>.
    /// </summary>
    public void Start(ControllerContext context)
    {
        _finalizer = new CustomResourceDefinitionFinalizer(context, this);
        _running = _finalizer.RunAsync(_stop.Token);
    }

    /// <summary>Stops the finalizer and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _finalizer?.Dispose();
        _stop.Dispose();
        _gate.Dispose();
    }

    public Task<StoredObject> AfterCreateAsync(StoredObject created, CancellationToken cancellationToken) =>
        _writingStatus.Value ? Task.FromResult(created) : EstablishAsync(ObjectJson.Parse(created.Value).Name(), cancellationToken);

    public async Task<StoredObject> AfterUpdateAsync(StoredObject updated, bool removed, CancellationToken cancellationToken)
    {
        var crd = ObjectJson.Parse(updated.Value);
        if (removed)
        {
            Unregister(crd.Name());
            return updated;
        }

        if (_writingStatus.Value)
        {
            return updated;
        }

        if (crd.HasDeletionTimestamp())
        {
            Register(crd);
            return updated;
        }

        return await EstablishAsync(crd.Name(), cancellationToken);
    }

    /// <summary>
    /// Accepts the names (or reports the conflict), sets NamesAccepted and Established, and registers what the CRD
    /// serves; returns the CRD as it is then stored.
    /// </summary>
    internal async Task<StoredObject> EstablishAsync(string name, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var crds = Crds;
            var current = crds.Get("", name);
            if (!ObjectJson.Parse(current.Value).HasDeletionTimestamp())
            {
                _writingStatus.Value = true;
                try
                {
                    current = await crds.UpdateAsync("", name, crd =>
                    {
                        crd.Metadata().Remove("resourceVersion");
                        CustomResourceDefinitionNames.Apply(crd, Others(name), _time.GetUtcNow());
                        return crd;
                    }, crds.Definition.StatusStrategy!, new WriteOptions(), cancellationToken);
                }
                finally
                {
                    _writingStatus.Value = false;
                }
            }

            Register(ObjectJson.Parse(current.Value));
            return current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes the custom resources of a CRD marked for deletion; once none is left, removes the cleanup finalizer
    /// (the CRD then goes). True when done, false to look again later.
    /// </summary>
    internal async Task<bool> FinalizeAsync(string name, CancellationToken cancellationToken)
    {
        var crds = Crds;
        if (crds.TryGet("", name) is not { } stored || ObjectJson.Parse(stored.Value) is var crd && !crd.HasDeletionTimestamp()
            || !crd.Finalizers().Contains(CustomResourceDefinitionStrategy.CleanupFinalizer))
        {
            return true;
        }

        if (CrdConditions.Find(crd, CrdConditions.Terminating)?.GetString("reason") != "InstanceDeletionInProgress")
        {
            _writingStatus.Value = true;
            try
            {
                await crds.UpdateAsync("", name, o =>
                {
                    o.Metadata().Remove("resourceVersion");
                    CrdConditions.Set(o, CrdConditions.Terminating, "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", _time.GetUtcNow());
                    return o;
                }, crds.Definition.StatusStrategy!, new WriteOptions(), cancellationToken);
            }
            finally
            {
                _writingStatus.Value = false;
            }
        }

        Register(crd);
        var served = Catalog.All.FirstOrDefault(s => s.Definition.Owner == name);
        var group = (crd["spec"] as JsonObject)?.GetString("group") ?? "";
        var plural = (crd["status"]?["acceptedNames"] as JsonObject)?.GetString("plural") is { Length: > 0 } accepted
            ? accepted
            : (crd["spec"]?["names"] as JsonObject)?.GetString("plural") ?? "";
        var prefix = ResourceDefinition.KeyPrefixOf(group, plural);
        if (plural.Length > 0 && served is not null)
        {
            foreach (var item in _store.Latest.Range(prefix).ToList())
            {
                var obj = ObjectJson.Parse(item.Value);
                if (obj.HasDeletionTimestamp())
                {
                    continue;
                }

                try
                {
                    await served.DeleteAsync(obj.Namespace(), obj.Name(), new DeleteOptions { PropagationPolicy = "Background" }, cancellationToken);
                }
                catch (ApiException e) when (e.Code is 404 or 409)
                {
                    // Gone meanwhile, or changed: the next pass sees it.
                }
            }

            if (_store.Latest.Range(prefix).Any())
            {
                return false;
            }
        }

        await crds.UpdateAsync("", name, o =>
        {
            o.Metadata().Remove("resourceVersion");
            if (o.Metadata()["finalizers"] is JsonArray finalizers)
            {
                foreach (var f in finalizers.Where(f => f?.GetValue<string>() == CustomResourceDefinitionStrategy.CleanupFinalizer).ToList())
                {
                    finalizers.Remove(f);
                }
            }

            return o;
        }, crds.Definition.Strategy, new WriteOptions(), cancellationToken);
        Log.Finalized(_logger, name);
        return true;
    }

    private List<JsonObject> Others(string name) =>
        [.. _store.Latest.Range(Crds.Definition.KeyPrefix).Select(i => ObjectJson.Parse(i.Value)).Where(o => o.Name() != name)];

    /// <summary>Serves what the CRD's accepted names and versions say (nothing until it is Established).</summary>
    private void Register(JsonObject crd)
    {
        var name = crd.Name();
        var established = CrdConditions.IsTrue(crd, CrdConditions.Established);
        var terminating = crd.HasDeletionTimestamp();
        var key = established ? crd["spec"]?.ToJsonString() + crd["status"]?["acceptedNames"]?.ToJsonString() + terminating : "";
        lock (_registerLock)
        {
            if (_registered.TryGetValue(name, out var previous) ? previous == key : key.Length == 0)
            {
                return;
            }

            var versions = established ? CustomResourceVersions.From(crd, terminating) : [];
            _schemas.Replace(name, versions.Where(v => v.Schema is not null)
                .Select(v => (v.Definition.Group, v.Definition.Version, v.Definition.Kind, v.Schema!)));
            Catalog.Replace(name, versions.Select(v => v.Definition));
            _registered[name] = key;
            Log.Registered(_logger, name, versions.Count);
        }
    }

    /// <summary>
    /// Makes the served kinds match the stored CRDs again after the store was changed beneath the registry (a test
    /// fixture's reset): kinds of CRDs that are gone are dropped, stored CRDs are registered as they are.
    /// </summary>
    internal void Resync()
    {
        List<string> registered;
        lock (_registerLock)
        {
            registered = [.. _registered.Keys];
        }

        foreach (var name in registered)
        {
            Unregister(name);
        }

        foreach (var item in _store.Latest.Range(Crds.Definition.KeyPrefix))
        {
            Register(ObjectJson.Parse(item.Value));
        }
    }

    private void Unregister(string name)
    {
        lock (_registerLock)
        {
            if (Crds.TryGet("", name) is not null)
            {
                // Created again since this one went: the new CRD's registration stands.
                return;
            }

            Catalog.Replace(name, []);
            _schemas.Replace(name, []);
            _registered.Remove(name);
            Log.Registered(_logger, name, 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "CustomResourceDefinition {Name} serves {Count} versions")]
        public static partial void Registered(ILogger logger, string name, int count);

        [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "CustomResourceDefinition {Name}: custom resources deleted, finalizer removed")]
        public static partial void Finalized(ILogger logger, string name);
    }
}
