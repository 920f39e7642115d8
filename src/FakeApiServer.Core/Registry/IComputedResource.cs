using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;

namespace FakeApiServer.Registry;

/// <summary>
/// A read-only resource whose objects are worked out on each read and never stored, as metrics-server's REST storages
/// (PodMetrics, NodeMetrics): get and list only, no resourceVersion, no watch.
/// </summary>
internal interface IComputedResource
{
    /// <summary>
    /// The object named <paramref name="name"/> in <paramref name="ns"/> ("" for cluster-scoped kinds), as served. Throws
    /// an <see cref="Api.ApiException"/> (404) when there is none.
    /// </summary>
    JsonObject Get(string ns, string name);

    /// <summary>The objects in <paramref name="ns"/> ("" for all) that the selectors match, in name order, as served.</summary>
    IReadOnlyList<JsonObject> List(string ns, LabelSelector labels, FieldSelector fields);
}
