using System.Diagnostics.Metrics;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// apiserver_storage_objects (upstream's storage/etcd3 metrics, STABLE): the number of stored objects of each served
/// resource, labelled with its group-qualified name (pods, deployments.apps), read from the newest snapshot when
/// scraped (a key range count each, no scan); custom resources come and go with their CRDs.
/// </summary>
internal static class StorageObjectsMetric
{
    public const string MeterName = Observability.Metrics.ServerMetrics.MeterPrefix + "Registry";

    public const string Name = "apiserver_storage_objects";

    public static void Observe(IMeterFactory meters, ResourceCatalog catalog, IRevisionedStore store)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(store);
        meters.Create(MeterName).CreateObservableGauge(
            Name,
            () => Measure(catalog, store.Latest),
            unit: null,
            description: "[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.");
    }

    private static IEnumerable<Measurement<long>> Measure(ResourceCatalog catalog, StoreSnapshot snapshot)
    {
        // A resource served in several versions (autoscaling/v1 and v2) is one stored resource.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in catalog.All)
        {
            var definition = resource.Definition;
            if (seen.Add(definition.KeyPrefix))
            {
                var name = definition.Group.Length == 0 ? definition.Plural : definition.Plural + "." + definition.Group;
                yield return new Measurement<long>(snapshot.CountRange(definition.KeyPrefix), new KeyValuePair<string, object?>("resource", name));
            }
        }
    }
}
