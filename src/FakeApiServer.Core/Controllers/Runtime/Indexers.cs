using System.Text.Json.Nodes;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>The indexers controllers share; use them with <see cref="ResourceLister.ByIndex(Indexer, string)"/>.</summary>
internal static class Indexers
{
    /// <summary>Pods by spec.nodeName (unscheduled pods are not indexed).</summary>
    public static readonly Indexer PodsByNode = new("nodeName", pod =>
        pod["spec"]?["nodeName"] is JsonValue v && v.TryGetValue(out string? node) && node.Length > 0 ? [node] : []);

    /// <summary>Objects by the uid of every owner reference (controller or not).</summary>
    public static readonly Indexer ByOwnerUid = new("ownerUid", obj =>
        OwnerReferences.Of(obj).Select(o => o.GetString("uid")).OfType<string>().ToList());

    /// <summary>Objects by the uid of their controller (the owner reference with controller: true).</summary>
    public static readonly Indexer ByControllerUid = new("controllerUid", obj =>
        OwnerReferences.ControllerOf(obj)?.GetString("uid") is { } uid ? [uid] : []);
}
