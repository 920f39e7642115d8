using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Containers with nothing scripted: the API server's own checks of the target (pod REST's stream location), then a
/// minimal image in which every command is missing (exit 127), attach shows nothing and no port listens.
/// </summary>
internal sealed class UnscriptedContainerRuntime : IContainerRuntime
{
    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    public ContainerTarget ResolveContainer(JsonObject pod, string? container)
    {
        var name = pod["metadata"]?["name"]?.GetValue<string>() ?? "";
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>() ?? "").ToList();
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count switch
            {
                1 => containers[0],
                0 => throw ApiException.BadRequest($"a container name must be specified for pod {name}"),
                _ => throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]"),
            };
        }
        else if (!AllContainerNames(pod).Contains(container))
        {
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        }

        return Target(pod, container);
    }

    public ContainerTarget ResolvePod(JsonObject pod) => Target(pod, "");

    public async Task<int> ExecAsync(ContainerTarget target, IReadOnlyList<string> command, IContainerStreams streams, CancellationToken cancellationToken)
    {
        if ((streams.Tty ? streams.Stdout : streams.Stderr) is { } errors)
        {
            var executable = command.Count > 0 ? command[0] : "";
            await errors.WriteAsync(Encoding.UTF8.GetBytes($"sh: {executable}: command not found\n"), cancellationToken);
        }

        return 127;
    }

    public Task AttachAsync(ContainerTarget target, IContainerStreams streams, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);

    public Task PortForwardAsync(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"failed to connect to localhost:{port} inside namespace \"{target.Namespace}\" pod \"{target.Name}\": connection refused");

    private static ContainerTarget Target(JsonObject pod, string container)
    {
        var metadata = pod["metadata"];
        var name = metadata?["name"]?.GetValue<string>() ?? "";
        if (string.IsNullOrEmpty(pod["spec"]?["nodeName"]?.GetValue<string>()))
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        return new ContainerTarget(metadata?["namespace"]?.GetValue<string>() ?? "", name, metadata?["uid"]?.GetValue<string>() ?? "", container, pod);
    }

    private static HashSet<string> AllContainerNames(JsonObject pod)
    {
        var spec = pod["spec"];
        return ContainerLists
            .SelectMany(list => spec?[list] as JsonArray ?? [])
            .Select(c => c?["name"]?.GetValue<string>() ?? "")
            .ToHashSet(StringComparer.Ordinal);
    }
}
