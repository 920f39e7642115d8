using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.ResourceUsage;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Metrics.PodMetrics;

/// <summary>
/// metrics-server's pod metrics storage: the pods the selectors match (the field selector sees only metadata.name and
/// metadata.namespace), each running one measured now; a pod that does not exist is pods "x" not found, one that is
/// not running is podmetrics.metrics.k8s.io "ns/x" not found, as upstream.
/// </summary>
internal sealed class PodMetricsResource(IRevisionedStore store, ResourceUsageSimulator usage) : IComputedResource
{
    private static readonly GroupResource Pods = new("", "pods");
    // metrics-server names its storages podmetrics and nodemetrics in not-found errors.
    private static readonly GroupResource PodMetrics = new(MetricsGroup.Name, "podmetrics");

    public JsonObject Get(string ns, string name)
    {
        var stored = store.Latest.Get(ResourceDefinition.KeyPrefixOf("", "pods") + ns + "/" + name) ?? throw ApiException.NotFound(Pods, name);
        return usage.PodMetrics(ObjectJson.Parse(stored.Value), usage.Now) ?? throw ApiException.NotFound(PodMetrics, ns + "/" + name);
    }

    public IReadOnlyList<JsonObject> List(string ns, LabelSelector labels, FieldSelector fields)
    {
        var prefix = ResourceDefinition.KeyPrefixOf("", "pods") + (ns.Length > 0 ? ns + "/" : "");
        var now = usage.Now;
        return store.Latest.Range(prefix)
            .Select(s => ObjectJson.Parse(s.Value))
            .Where(p => labels.Matches(p.Labels()) && fields.Matches(f => MetadataField(p, f)))
            .Select(p => usage.PodMetrics(p, now))
            .OfType<JsonObject>()
            .OrderBy(m => m.Namespace(), StringComparer.Ordinal).ThenBy(m => m.Name(), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The fields metrics-server filters on (generic.AddObjectMetaFieldsSet); any other field reads as empty.</summary>
    internal static string? MetadataField(JsonObject obj, string field) => field switch
    {
        "metadata.name" => obj.Name(),
        "metadata.namespace" => obj.Namespace(),
        _ => null,
    };
}
