using FakeApiServer.Apis.Metrics.NodeMetrics;
using FakeApiServer.Apis.Metrics.PodMetrics;
using FakeApiServer.Registry;
using FakeApiServer.ResourceUsage;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Metrics;

/// <summary>
/// metrics.k8s.io/v1beta1, served natively where a cluster runs metrics-server behind the aggregator: NodeMetrics and
/// PodMetrics, get and list only, computed from the simulated usage on each read (nothing is stored).
/// </summary>
internal static class MetricsGroup
{
    public const string Name = "metrics.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources(IRevisionedStore store, ResourceUsageSimulator usage)
    {
        yield return new ResourceDefinition(Name, "v1beta1", "NodeMetrics", "nodes", Namespaced: false)
        {
            // metrics-server's storages name no singular (GetSingularName returns "").
            Singular = "",
            Verbs = ["get", "list"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Computed = new NodeMetricsResource(store, usage),
            Table = NodeMetricsTable.Instance,
        };
        yield return new ResourceDefinition(Name, "v1beta1", "PodMetrics", "pods", Namespaced: true)
        {
            Singular = "",
            Verbs = ["get", "list"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Computed = new PodMetricsResource(store, usage),
            Table = PodMetricsTable.Instance,
        };
    }
}
