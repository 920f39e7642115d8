using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Waits for the run of a container an attach is connected to to end: its pod is deleted or replaced, or its status
/// no longer shows this run running (it terminated or restarted), as the kubelet closes an attach when the process exits.
/// </summary>
internal static class ContainerEnd
{
    private static readonly string[] StatusLists = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"];

    public static async Task WaitAsync(IRevisionedStore store, ContainerTarget target, CancellationToken cancellationToken)
    {
        var key = $"/core/pods/{target.Namespace}/{target.Name}";
        var current = store.Latest;
        var run = RunOf(current.Get(key) is { } stored ? ObjectJson.Parse(stored.Value) : null, target);
        if (run is null)
        {
            return;
        }

        using var watch = store.Watch(key, current.Revision);
        if (watch is null)
        {
            return;
        }

        await foreach (var change in watch.ReadAllAsync(cancellationToken))
        {
            if (change.Object.Key != key)
            {
                continue;
            }

            if (change.Type == WatchEventType.Deleted || RunOf(ObjectJson.Parse(change.Object.Value), target) != run)
            {
                return;
            }
        }
    }

    /// <summary>The running run of the container (its containerID, or "running"), or null when it does not run.</summary>
    private static string? RunOf(JsonObject? pod, ContainerTarget target)
    {
        if (pod is null || pod.Uid() != target.Uid || !ContainerChecks.IsRunning(pod, target.Container))
        {
            return null;
        }

        var status = StatusLists
            .SelectMany(l => pod["status"]?[l] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s.GetString("name") == target.Container);
        return status?.GetString("containerID") ?? "running";
    }
}
