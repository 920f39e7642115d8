using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// A secondary index of a lister (client-go's Indexers entry): <paramref name="Values"/> gives the index values of an
/// object (none to leave it out). Indexers are compared by reference, so declare each once (see <see cref="Indexers"/>).
/// </summary>
/// <param name="Name">The index's name, for diagnostics.</param>
/// <param name="Values">The values an object is found under; must be pure and must not change the object.</param>
internal sealed record Indexer(string Name, Func<JsonObject, IEnumerable<string>> Values)
{
    public bool Equals(Indexer? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
