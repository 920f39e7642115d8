using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.SimulatedContainers.Logs;

/// <summary>
/// Which container run a pods/log request reads, with the errors clients know: the API server's checks of the container
/// name (pod REST's LogLocation: "a container name must be specified ...", "container X is not valid for pod Y"), then
/// the kubelet's choice of run from the pod's status (validateContainerLogStatus: the running one, the terminated one, the
/// last terminated one for <c>previous</c> or while waiting to restart), whose refusals the API server relays as 400s.
/// </summary>
internal static class ContainerLogLocation
{
    private static readonly string[] SpecLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] StatusLists = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"];

    /// <summary>The container <paramref name="container"/> names, or the pod's only container when null.</summary>
    public static string Container(JsonObject pod, string? container)
    {
        var name = pod.Name();
        var spec = pod["spec"];
        if (container is null)
        {
            var containers = Names(spec, "containers").ToList();
            return containers.Count switch
            {
                1 => containers[0],
                0 => throw ApiException.BadRequest($"a container name must be specified for pod {name}"),
                _ => throw ApiException.BadRequest(
                    $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', SpecLists.SelectMany(l => Names(spec, l)))}]"),
            };
        }

        return SpecLists.Any(l => Names(spec, l).Contains(container, StringComparer.Ordinal))
            ? container
            : throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
    }

    /// <summary>The container id of the run to read, from the pod's status as the kubelet picks it; a 400 when there is none.</summary>
    public static string ContainerId(JsonObject pod, string container, bool previous)
    {
        var name = pod.Name();
        var status = StatusLists.SelectMany(l => pod["status"]?[l] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("name") == container)
            ?? throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is not available");
        var last = status["lastState"]?["terminated"] as JsonObject;
        var lastId = last?.GetString("containerID") ?? "";
        var state = status["state"] as JsonObject;
        if (previous)
        {
            return lastId.Length > 0 ? lastId : throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }

        if (state?["running"] is JsonObject)
        {
            return status.GetString("containerID") ?? "";
        }

        if (state?["terminated"] is JsonObject terminated)
        {
            return terminated.GetString("containerID") is { Length: > 0 } id ? id
                : lastId.Length > 0 ? lastId
                : throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is terminated");
        }

        if (last is not null)
        {
            return lastId.Length > 0 ? lastId : throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is terminated");
        }

        if (state?["waiting"] is JsonObject waiting)
        {
            var reason = waiting.GetString("reason") switch
            {
                "ErrImagePull" => "image can't be pulled",
                "ImagePullBackOff" => "trying and failing to pull image",
                var other => other ?? "",
            };
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {reason}");
        }

        throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start - no logs yet");
    }

    private static IEnumerable<string> Names(JsonNode? spec, string list) =>
        (spec?[list] as JsonArray ?? []).OfType<JsonObject>().Select(c => c.GetString("name") ?? "");
}
