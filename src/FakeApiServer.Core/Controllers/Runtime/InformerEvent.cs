using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>What happened to an object, as a client-go event handler is told (OnAdd, OnUpdate, OnDelete).</summary>
internal enum InformerEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change an informer hands to its handlers. <see cref="Object"/> is the new version (for Deleted: the last
/// state); <see cref="Old"/> is the version the informer saw before, for Modified (null otherwise). Both are shared:
/// never change them.
/// </summary>
internal sealed record InformerEvent(InformerEventType Type, JsonObject Object, JsonObject? Old = null);
