using System.Text.Json.Nodes;
using FakeApiServer.Apis.Coordination;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Schema;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Tests.Controllers.Runtime;

/// <summary>
/// A controller context without a server: an in-memory store (behind a <see cref="FaultyStore"/>) serving Leases
/// and Events through a real registry, and a <see cref="ManualTime"/> clock for the controllers and the registry.
/// </summary>
internal sealed class RuntimeTestContext : IAsyncDisposable
{
    private RuntimeTestContext(FaultyStore store, ControllerContext context, ManualTime time)
    {
        Store = store;
        Context = context;
        Time = time;
    }

    public FaultyStore Store { get; }

    public ControllerContext Context { get; }

    public ManualTime Time { get; }

    public ResourceStore Leases => Context.Catalog.Get("coordination.k8s.io", "leases");

    public static async Task<RuntimeTestContext> StartAsync(CancellationToken cancellationToken)
    {
        var time = new ManualTime();

        // The store's own clock is the system's: only the controllers' waits are on the manual clock.
        var store = new FaultyStore(await RevisionedStore.OpenAsync(new StoreOptions(), TimeProvider.System, NullLoggerFactory.Instance, cancellationToken));
        // Core Events, which every controller's event recorder writes, beside the Leases the tests reconcile.
        ResourceDefinition[] events = [new("", "v1", "Event", "events", Namespaced: true) { Strategy = new ResourceStrategy(hasStatus: false) }];
        var catalog = new ResourceCatalog(events.Concat(CoordinationGroup.Resources()), store, time, new NameGenerator(new Random(1)), BuiltInSchemas.Instance);
        var context = new ControllerContext(catalog, store, time, FeatureGates.Default, new EventRecorder(catalog, time), NullLoggerFactory.Instance);
        return new RuntimeTestContext(store, context, time);
    }

    public Task<StoredObject> CreateLeaseAsync(string name, CancellationToken cancellationToken) =>
        Leases.CreateAsync("default", new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject(),
        }, new WriteOptions(), cancellationToken);

    public JsonObject? Lease(string name) => Leases.TryGet("default", name) is { } stored ? JsonNode.Parse(stored.Value)!.AsObject() : null;

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
