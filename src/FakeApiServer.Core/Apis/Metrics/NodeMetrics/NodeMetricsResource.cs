using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Apis.Metrics.PodMetrics;
using FakeApiServer.Registry;
using FakeApiServer.ResourceUsage;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Metrics.NodeMetrics;

/// <summary>
/// metrics-server's node metrics storage: every node the selectors match, measured now (its base usage plus its running
/// pods); a node that does not exist is nodes "x" not found, as upstream.
/// </summary>
internal sealed class NodeMetricsResource(IRevisionedStore store, ResourceUsageSimulator usage) : IComputedResource
{
    private static readonly GroupResource Nodes = new("", "nodes");

    public JsonObject Get(string ns, string name)
    {
        var snapshot = store.Latest;
        var stored = snapshot.Get(ResourceDefinition.KeyPrefixOf("", "nodes") + name) ?? throw ApiException.NotFound(Nodes, name);
        return usage.NodeMetrics(ObjectJson.Parse(stored.Value), RunningPods(snapshot), usage.Now);
    }

    public IReadOnlyList<JsonObject> List(string ns, LabelSelector labels, FieldSelector fields)
    {
        var snapshot = store.Latest;
        var now = usage.Now;
        var pods = RunningPods(snapshot);
        return snapshot.Range(ResourceDefinition.KeyPrefixOf("", "nodes"))
            .Select(s => ObjectJson.Parse(s.Value))
            .Where(n => labels.Matches(n.Labels()) && fields.Matches(f => PodMetricsResource.MetadataField(n, f)))
            .Select(n => usage.NodeMetrics(n, pods, now))
            .OrderBy(m => m.Name(), StringComparer.Ordinal)
            .ToList();
    }

    private static List<JsonObject> RunningPods(StoreSnapshot snapshot) =>
        snapshot.Range(ResourceDefinition.KeyPrefixOf("", "pods")).Select(s => ObjectJson.Parse(s.Value)).Where(ResourceUsageSimulator.IsMeasured).ToList();
}
