using FakeApiServer.Admission;
using FakeApiServer.Schema;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// Every served resource and its registry, in discovery order: the core group first, then the named groups in
/// the order they were registered. The built-in kinds come from the group registrations at start; custom resources
/// are added and removed at runtime (<see cref="Replace"/>), as kube-apiserver's CRD handler serves them.
/// </summary>
/// <remarks>
/// Readers see an immutable <see cref="CatalogSnapshot"/>, swapped atomically on every change, so a request that
/// resolved a resource keeps a consistent view while a CRD is created or deleted. <see cref="Version"/> counts the
/// changes and <see cref="Changed"/> reports them, so discovery and OpenAPI documents can be rebuilt.
/// </remarks>
internal sealed class ResourceCatalog
{
    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly NameGenerator _names;
    private readonly AdmissionChain _admission;
    private readonly ISchemaProvider _schemas;
    private readonly Lock _writeLock = new();
    private CatalogSnapshot _current;

    public ResourceCatalog(IEnumerable<ResourceDefinition> definitions, IRevisionedStore store, TimeProvider time, NameGenerator names, ISchemaProvider schemas,
        AdmissionChain? admission = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _store = store;
        _time = time;
        _names = names;
        _schemas = schemas;
        _admission = admission ?? AdmissionChain.Empty;
        _current = CatalogSnapshot.Empty.With(definitions.Select(NewStore), _ => false, version: 0);
    }

    /// <summary>Raised after each change, with the new snapshot (on the writer's thread; handlers must be quick).</summary>
    public event Action<CatalogSnapshot>? Changed;

    /// <summary>The current snapshot: read it once per request for a consistent view.</summary>
    public CatalogSnapshot Current => Volatile.Read(ref _current);

    /// <summary>How many times the served resources changed since start.</summary>
    public long Version => Current.Version;

    /// <summary>All resources in discovery order.</summary>
    public IReadOnlyList<ResourceStore> All => Current.All;

    /// <summary>The named groups (not the core group) in discovery order, each with its versions (preferred first).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups => Current.Groups;

    public IEnumerable<ResourceStore> InGroupVersion(string group, string version) => Current.InGroupVersion(group, version);

    public bool ServesGroupVersion(string group, string version) => Current.ServesGroupVersion(group, version);

    public ResourceStore? Find(string group, string version, string plural) => Current.Find(group, version, plural);

    /// <summary>The registry of a kind in any served version, e.g. for controllers.</summary>
    public ResourceStore Get(string group, string plural) =>
        Current.All.First(s => s.Definition.Group == group && s.Definition.Plural == plural);

    /// <summary>
    /// Swaps the resources of one runtime owner (a CRD's name): its previous definitions go, <paramref name="definitions"/>
    /// come (none to remove the owner). A definition whose group, version and plural another owner already serves is
    /// skipped: the first owner keeps it, as upstream's naming controller keeps the names it accepted first.
    /// </summary>
    /// <returns>The definitions that were registered.</returns>
    public IReadOnlyList<ResourceDefinition> Replace(string owner, IEnumerable<ResourceDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(definitions);
        CatalogSnapshot next;
        lock (_writeLock)
        {
            var current = _current;
            var kept = current.All.Where(s => s.Definition.Owner != owner).ToList();
            var taken = kept.Select(s => (s.Definition.Group, s.Definition.Version, s.Definition.Plural)).ToHashSet();
            var added = definitions.Select(d => d with { Owner = owner })
                .Where(d => taken.Add((d.Group, d.Version, d.Plural)))
                .Select(NewStore)
                .ToList();
            next = CatalogSnapshot.Empty.With(kept.Concat(added), _ => false, current.Version + 1);
            Volatile.Write(ref _current, next);
        }

        Changed?.Invoke(next);
        return next.All.Where(s => s.Definition.Owner == owner).Select(s => s.Definition).ToList();
    }

    private ResourceStore NewStore(ResourceDefinition definition) => new(definition, _store, _time, _names, _admission, _schemas);
}
