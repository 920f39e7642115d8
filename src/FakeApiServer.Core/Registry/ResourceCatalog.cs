using FakeApiServer.Admission;
using FakeApiServer.Schema;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// Every served resource and its registry, in discovery order: the core group first, then the named groups in
/// the order they were registered. Built once per server from the group registrations.
/// </summary>
internal sealed class ResourceCatalog
{
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceStore> _stores = [];
    private readonly List<ResourceStore> _ordered = [];

    public ResourceCatalog(IEnumerable<ResourceDefinition> definitions, IRevisionedStore store, TimeProvider time, NameGenerator names, ISchemaProvider schemas)
    {
        var namespaces = new NamespaceLifecycle(store);
        foreach (var definition in definitions)
        {
            var resourceStore = new ResourceStore(definition, store, time, names, namespaces, schemas);
            if (!_stores.TryAdd((definition.Group, definition.Version, definition.Plural), resourceStore))
            {
                throw new InvalidOperationException($"resource {definition.Plural} registered twice in {definition.ApiVersion}");
            }

            _ordered.Add(resourceStore);
        }
    }

    /// <summary>All resources in discovery order.</summary>
    public IReadOnlyList<ResourceStore> All => _ordered;

    /// <summary>The named groups (not the core group) in discovery order, each with its versions.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups =>
        _ordered.Select(s => s.Definition).Where(d => d.Group.Length > 0)
            .GroupBy(d => d.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(d => d.Version).Distinct().ToList()))
            .ToList();

    public IEnumerable<ResourceStore> InGroupVersion(string group, string version) =>
        _ordered.Where(s => s.Definition.Group == group && s.Definition.Version == version);

    public bool ServesGroupVersion(string group, string version) => InGroupVersion(group, version).Any();

    public ResourceStore? Find(string group, string version, string plural) =>
        _stores.GetValueOrDefault((group, version, plural));

    /// <summary>The registry of a kind in any served version, e.g. for controllers.</summary>
    public ResourceStore Get(string group, string plural) =>
        _ordered.First(s => s.Definition.Group == group && s.Definition.Plural == plural);
}
