using System.Text.Json.Nodes;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// Assigns values drawn from ranges shared by all objects of a kind (service cluster IPs, node ports) when an
/// object is created or updated, as upstream's service REST wraps its store with allocators. Not pure by nature, so
/// it is kept out of strategies. What is in use is read from the stored objects (so a deleted object's values are
/// free again, and a restart rebuilds the allocations from the store, as upstream's repair loop does) plus the values
/// held by writes in flight.
/// </summary>
internal interface IResourceAllocator
{
    /// <summary>
    /// Fills the values a new object asks the server to choose, and checks the ones it chose itself against
    /// <paramref name="current"/>. The result holds the values until it is disposed, which the caller does once the
    /// write is committed (and visible in the store) or failed.
    /// </summary>
    ResourceAllocation Allocate(JsonObject obj, StoreSnapshot current);

    /// <summary>
    /// The same for an update of the object stored at <paramref name="key"/>: values the object already holds stay
    /// its own; values a change of type newly needs (ExternalName to ClusterIP, ClusterIP to NodePort) are allocated.
    /// </summary>
    ResourceAllocation AllocateUpdate(JsonObject newObj, JsonObject oldObj, string key, StoreSnapshot current);
}
