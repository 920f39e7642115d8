using System.Text.Json.Nodes;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// Assigns values drawn from ranges shared by all objects of a kind (service cluster IPs, node ports) when an
/// object is created, as upstream's service REST wraps its store with allocators. Not pure by nature, so it is
/// kept out of strategies.
/// </summary>
internal interface IResourceAllocator
{
    /// <summary>
    /// Fills the values a new object asks the server to choose, and checks the ones it chose itself against
    /// <paramref name="current"/>; returns field errors (a full range, a value in use or out of range).
    /// </summary>
    IReadOnlyList<FieldError> Allocate(JsonObject obj, StoreSnapshot current);
}
