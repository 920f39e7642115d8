using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Controllers;

/// <summary>
/// Watches one resource for a controller, as a client-go informer does: every existing object first (a synthetic
/// ADDED per object), then changes; when the watch ends (a slow watcher is closed, history compacted) it starts over,
/// so handlers see every object again and must be idempotent. Reads go through the store's memory, never SQLite.
/// </summary>
internal static class ResourceInformer
{
    /// <summary>Calls <paramref name="onEvent"/> for every event of <paramref name="definition"/> until cancelled.</summary>
    public static async Task RunAsync(
        ResourceDefinition definition, IRevisionedStore store, Func<ResourceEvent, ValueTask> onEvent, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in ResourceWatch.WatchAsync(definition, store, "", new ListOptions(), cancellationToken))
                {
                    if (change.Object is not null)
                    {
                        await onEvent(change);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
