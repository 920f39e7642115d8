using System.Text.Json.Nodes;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// What a simulated container does when a client execs into it, attaches to it or forwards a port of its pod. The
/// pods/exec, attach and portforward endpoints resolve the target with it before upgrading the connection, then hand it
/// the transport's streams; which transport carried them is not its concern.
/// </summary>
internal interface IContainerRuntime
{
    /// <summary>
    /// The container <paramref name="container"/> names in <paramref name="pod"/> (the pod's only container when null), for
    /// exec and attach; throws an <see cref="Api.ApiException"/> with upstream's status when there is none or it is not
    /// running ("a container name must be specified for pod ..., choose one of: [...]", ...).
    /// </summary>
    ContainerTarget ResolveContainer(JsonObject pod, string? container);

    /// <summary>The pod for port-forward (<see cref="ContainerTarget.Container"/> ""); throws as upstream when it is not running.</summary>
    ContainerTarget ResolvePod(JsonObject pod);

    /// <summary>Runs <paramref name="command"/> in the container; the exit code, which the transport reports on its status channel.</summary>
    Task<int> ExecAsync(ContainerTarget target, IReadOnlyList<string> command, IContainerStreams streams, CancellationToken cancellationToken);

    /// <summary>Attaches to the container's main process until it ends or the client leaves (<paramref name="cancellationToken"/>).</summary>
    Task AttachAsync(ContainerTarget target, IContainerStreams streams, CancellationToken cancellationToken);

    /// <summary>
    /// Serves one forwarded connection to <paramref name="port"/> of the pod: <paramref name="connection"/> reads what the
    /// client sends (0 once it closed its side) and writes what goes back. An exception's message goes to the client's error stream.
    /// </summary>
    Task PortForwardAsync(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken);
}
