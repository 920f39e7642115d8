using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The checks before an exec, attach or port-forward connects, with upstream's messages: the API server's (pod REST's
/// stream location: a container name is needed when the pod has several, it must be one of the pod's, the pod must be
/// bound to a node; 400s), then the kubelet's (the container must be running: <c>container not found ("c")</c>, which
/// the kubelet's exec gives (its attach words it "container c not found in pod p_ns", but the seam resolves both
/// alike); <c>pod not found ("p_ns")</c> for a port-forward to a pod with no running sandbox). The kubelet's errors
/// are <see cref="KubeletRefusalException"/>s: plain text 500s, as the API server passes them on.
/// </summary>
internal static class ContainerChecks
{
    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] StatusLists = ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"];

    /// <summary>The container an exec or attach addresses.</summary>
    public static ContainerTarget ResolveContainer(JsonObject pod, string? container)
    {
        var name = pod.Name();
        var containers = Names(pod, "containers");
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count switch
            {
                1 => containers[0],
                0 => throw ApiException.BadRequest($"a container name must be specified for pod {name}"),
                _ => throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', ContainerLists.SelectMany(l => Names(pod, l)))}]"),
            };
        }
        else if (!ContainerLists.Any(l => Names(pod, l).Contains(container)))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        }

        var target = Target(pod, container);
        if (!IsRunning(pod, container))
        {
            throw KubeletError($"container not found (\"{container}\")");
        }

        return target;
    }

    /// <summary>The pod a port-forward addresses.</summary>
    public static ContainerTarget ResolvePod(JsonObject pod)
    {
        var target = Target(pod, "");
        var phase = pod["status"]?["phase"]?.GetValue<string>();
        var started = pod["status"]?["podIP"] is not null || StatusLists.Any(l => (pod["status"]?[l] as JsonArray)?.Count > 0);
        if (phase is "Succeeded" or "Failed" || !started)
        {
            throw KubeletError($"pod not found (\"{pod.Name()}_{pod.Namespace()}\")");
        }

        return target;
    }

    /// <summary>
    /// Whether the container's status says it runs. A pod with no status for it at all counts as running when its phase
    /// is Running (a status written by hand, without the simulated kubelet).
    /// </summary>
    public static bool IsRunning(JsonObject pod, string container)
    {
        var status = StatusLists.SelectMany(l => pod["status"]?[l] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s.GetString("name") == container);
        return status is null
            ? pod["status"]?["phase"]?.GetValue<string>() == "Running"
            : status["state"]?["running"] is not null;
    }

    private static KubeletRefusalException KubeletError(string message) => new(message);

    private static ContainerTarget Target(JsonObject pod, string container)
    {
        var name = pod.Name();
        if (string.IsNullOrEmpty(pod["spec"]?["nodeName"]?.GetValue<string>()))
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        return new ContainerTarget(pod.Namespace(), name, pod.Uid() ?? "", container, pod);
    }

    private static List<string> Names(JsonObject pod, string list) =>
        (pod["spec"]?[list] as JsonArray ?? []).OfType<JsonObject>().Select(c => c.GetString("name") ?? "").ToList();
}
