using FakeApiServer.Api.Verbs;
using FakeApiServer.Registry;

namespace FakeApiServer.Api.Subresources;

/// <summary>
/// The subresource handlers the built-in resources register (in their group's file, under the name the path uses):
/// <code>Subresources = new Dictionary&lt;string, SubresourceHandler&gt; { ["status"] = Subresource.Status(new StatusStrategy(strategy)) }</code>
/// </summary>
internal static class Subresource
{
    /// <summary>/status: the object, read and written under the status strategy (which keeps the spec).</summary>
    public static SubresourceHandler Status(IResourceStrategy strategy) => OfObject(strategy, "get", "patch", "update");

    /// <summary>namespaces/finalize: PUT only, under the finalize strategy (which writes spec.finalizers alone).</summary>
    public static SubresourceHandler Finalize(IResourceStrategy strategy) => OfObject(strategy, "update");

    /// <summary>certificatesigningrequests/approval: the object, written under the approval strategy (its conditions).</summary>
    public static SubresourceHandler Approval(IResourceStrategy strategy) => OfObject(strategy, "get", "patch", "update");

    /// <summary>
    /// A subresource that shows and writes the object itself under its own strategy: get answers the object, update and
    /// patch (apply included) write it through <paramref name="strategy"/>. <paramref name="verbs"/> picks among get, patch
    /// and update.
    /// </summary>
    public static SubresourceHandler OfObject(IResourceStrategy strategy, params string[] verbs)
    {
        var all = new Dictionary<string, SubresourceVerb>
        {
            ["get"] = GetVerb.HandleAsync,
            ["patch"] = PatchVerb.HandleAsync,
            ["update"] = UpdateVerb.HandleAsync,
        };
        return new SubresourceHandler { Verbs = verbs.ToDictionary(v => v, v => all[v]), Strategy = strategy };
    }

    /// <summary>/scale: an autoscaling/v1 Scale view of the replicas at <paramref name="paths"/>.</summary>
    public static SubresourceHandler Scale(ScaleSubresource paths) => new()
    {
        Kind = new GroupVersionKind("autoscaling", "v1", "Scale"),
        ScalePaths = paths,
        Verbs = new Dictionary<string, SubresourceVerb>
        {
            ["get"] = (context, request) => ScaleVerb.GetAsync(context, request, paths),
            ["patch"] = (context, request) => ScaleVerb.PatchAsync(context, request, paths),
            ["update"] = (context, request) => ScaleVerb.UpdateAsync(context, request, paths),
        },
    };

    /// <summary>pods/binding: POST a core/v1 Binding to bind the pod to a node.</summary>
    public static SubresourceHandler Binding() => new()
    {
        Kind = new GroupVersionKind("", "v1", "Binding"),
        Verbs = new Dictionary<string, SubresourceVerb> { ["create"] = BindingVerb.HandleAsync },
    };

    /// <summary>pods/eviction: POST a policy/v1 Eviction to delete the pod if its disruption budgets allow.</summary>
    public static SubresourceHandler Eviction() => new()
    {
        Kind = new GroupVersionKind("policy", "v1", "Eviction"),
        Verbs = new Dictionary<string, SubresourceVerb> { ["create"] = EvictionVerb.HandleAsync },
    };

    /// <summary>
    /// pods/log (get; kind Pod), exec, attach and portforward (create and get; their options kinds): containers are
    /// simulated, so each answers a Status saying so (<see cref="ContainerStreamsVerb"/>).
    /// </summary>
    public static SubresourceHandler SimulatedContainerStream(string kind, params string[] verbs) => new()
    {
        Kind = new GroupVersionKind("", "v1", kind),
        Verbs = verbs.ToDictionary(v => v, _ => (SubresourceVerb)ContainerStreamsVerb.HandleAsync),
    };
}
