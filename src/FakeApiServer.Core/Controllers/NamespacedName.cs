namespace FakeApiServer.Controllers;

/// <summary>The key of a namespaced object in a controller's work queue (client-go's types.NamespacedName).</summary>
internal readonly record struct NamespacedName(string Namespace, string Name)
{
    public override string ToString() => Namespace + "/" + Name;
}
