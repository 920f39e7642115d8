namespace FakeApiServer.Registry;

/// <summary>
/// One immutable state of the <see cref="ResourceCatalog"/>: the served resources in discovery order, indexed by
/// group, version and plural. Built whole on each change and never modified, so readers need no lock.
/// </summary>
internal sealed class CatalogSnapshot
{
    public static readonly CatalogSnapshot Empty = new([], 0);

    private readonly Dictionary<(string Group, string Version, string Plural), ResourceStore> _stores = [];
    private readonly HashSet<(string Group, string Version)> _groupVersions = [];

    private CatalogSnapshot(IReadOnlyList<ResourceStore> ordered, long version)
    {
        All = ordered;
        Version = version;
        foreach (var store in ordered)
        {
            var d = store.Definition;
            if (!_stores.TryAdd((d.Group, d.Version, d.Plural), store))
            {
                throw new InvalidOperationException($"resource {d.Plural} registered twice in {d.ApiVersion}");
            }

            _groupVersions.Add((d.Group, d.Version));
        }

        Groups = ordered.Select(s => s.Definition).Where(d => d.Group.Length > 0)
            .GroupBy(d => d.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(d => d.Version).Distinct().ToList()))
            .ToList();
    }

    /// <summary>The catalog's change count when this snapshot was made.</summary>
    public long Version { get; }

    /// <summary>All resources in discovery order.</summary>
    public IReadOnlyList<ResourceStore> All { get; }

    /// <summary>The named groups (not the core group) in discovery order, each with its versions (preferred first).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups { get; }

    public IEnumerable<ResourceStore> InGroupVersion(string group, string version) =>
        All.Where(s => s.Definition.Group == group && s.Definition.Version == version);

    public bool ServesGroupVersion(string group, string version) => _groupVersions.Contains((group, version));

    public ResourceStore? Find(string group, string version, string plural) =>
        _stores.GetValueOrDefault((group, version, plural));

    /// <summary>A new snapshot: the stores of this one that <paramref name="remove"/> rejects, then <paramref name="add"/>.</summary>
    public CatalogSnapshot With(IEnumerable<ResourceStore> add, Func<ResourceStore, bool> remove, long version) =>
        new([.. All.Where(s => !remove(s)), .. add], version);
}
