using System.Collections.Immutable;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The schema provider of a server with CRDs: the structural schemas of the served custom resource versions (from
/// their openAPIV3Schema), then <paramref name="fallback"/> (the built-in kinds). Updated when a CRD is registered or
/// removed; readers see an immutable map swapped atomically.
/// </summary>
internal sealed class CustomResourceSchemas(ISchemaProvider fallback) : ISchemaProvider
{
    private ImmutableDictionary<(string Group, string Version, string Kind), (string Owner, StructuralSchema Schema)> _schemas =
        ImmutableDictionary<(string, string, string), (string, StructuralSchema)>.Empty;

    /// <inheritdoc />
    public StructuralSchema? SchemaFor(string group, string version, string kind) =>
        Volatile.Read(ref _schemas).TryGetValue((group, version, kind), out var entry) ? entry.Schema : fallback.SchemaFor(group, version, kind);

    /// <summary>Replaces the schemas of one owner (a CRD's name) with <paramref name="schemas"/> (none: removes them).</summary>
    public void Replace(string owner, IEnumerable<(string Group, string Version, string Kind, StructuralSchema Schema)> schemas)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        ImmutableInterlocked.Update(ref _schemas, (current, args) =>
        {
            var builder = current.ToBuilder();
            foreach (var key in current.Where(e => e.Value.Owner == args.Owner).Select(e => e.Key).ToList())
            {
                builder.Remove(key);
            }

            foreach (var (group, version, kind, schema) in args.Schemas)
            {
                if (!builder.ContainsKey((group, version, kind)))
                {
                    builder[(group, version, kind)] = (args.Owner, schema);
                }
            }

            return builder.ToImmutable();
        }, (Owner: owner, Schemas: schemas.ToList()));
    }
}
