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
/// never change them. They are parsed when a handler first reads them (once per version), so a handler that needs
/// only <see cref="Namespace"/> and <see cref="Name"/> (read from the storage key) costs no parse.
/// </summary>
internal sealed class InformerEvent(InformerEventType type, InformerVersion current, InformerVersion? old = null)
{
    public InformerEventType Type { get; } = type;

    /// <summary>The new version (for Deleted: the last state).</summary>
    public JsonObject Object => current.Object;

    /// <summary>The version seen before, for Modified; null otherwise.</summary>
    public JsonObject? Old => old?.Object;

    /// <summary>The object's namespace ("" for a cluster-scoped one), without parsing it.</summary>
    public string Namespace => current.Namespace;

    /// <summary>The object's name, without parsing it.</summary>
    public string Name => current.Name;
}
