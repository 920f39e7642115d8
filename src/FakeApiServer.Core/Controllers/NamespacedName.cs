using System.Text.Json.Nodes;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers;

/// <summary>The key of a namespaced object in a controller's work queue (client-go's types.NamespacedName).</summary>
internal readonly record struct NamespacedName(string Namespace, string Name)
{
    /// <summary>The key of <paramref name="obj"/>.</summary>
    public static NamespacedName Of(JsonObject obj) => new(obj.Namespace(), obj.Name());

    /// <summary>The key of the controller of <paramref name="obj"/> when that is a <paramref name="kind"/>, else null.</summary>
    public static NamespacedName? ControllerOf(JsonObject obj, string kind) =>
        OwnerReferences.ControllerOf(obj) is { } owner && owner.GetString("kind") == kind && owner.GetString("name") is { } name
            ? new NamespacedName(obj.Namespace(), name)
            : null;

    public override string ToString() => Namespace + "/" + Name;
}
