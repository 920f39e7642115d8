using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Which containers a container rule speaks of: the pod's namespace (any when empty), the pod's labels (a label
/// selector) and the container's name (any when empty). Port-forward rules match pods, with no container name.
/// </summary>
internal sealed record ContainerMatch(IReadOnlySet<string> Namespaces, LabelSelector Selector, IReadOnlySet<string> Containers)
{
    /// <summary>Every container of every pod.</summary>
    public static ContainerMatch Any { get; } = new(new HashSet<string>(), LabelSelector.Everything, new HashSet<string>());

    public bool Matches(JsonObject pod, string container) =>
        (Namespaces.Count == 0 || Namespaces.Contains(pod.Namespace()))
        && (container.Length == 0 || Containers.Count == 0 || Containers.Contains(container))
        && Selector.Matches(pod.Labels());
}
