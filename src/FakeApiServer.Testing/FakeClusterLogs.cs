using FakeApiServer.SimulatedContainers.Logs;
using k8s;

namespace FakeApiServer.Testing;

/// <summary>
/// The logs of a <see cref="FakeCluster"/>'s simulated containers, for a test to write what its "application" prints:
/// a line appended here is what <c>kubectl logs</c> (and <c>-f</c>, while it follows) shows next.
/// <code>await cluster.Logs.AppendAsync("default", "web", "nginx", "GET / 200", cancellationToken);</code>
/// </summary>
public sealed class FakeClusterLogs
{
    private readonly IKubernetes _client;
    private readonly ContainerLogStore _store;

    internal FakeClusterLogs(IKubernetes client, ContainerLogStore store)
    {
        _client = client;
        _store = store;
    }

    /// <summary>
    /// Appends <paramref name="text"/> (one line per newline-separated part) to the log of the running
    /// <paramref name="container"/> of a pod, stamped with the server's clock (FakeClusterOptions.TimeProvider).
    /// </summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container's name (a regular, init or ephemeral container).</param>
    /// <param name="text">What the container writes.</param>
    /// <param name="cancellationToken">Cancels the pod's lookup.</param>
    /// <exception cref="InvalidOperationException">The container is not running (not started yet, or exited).</exception>
    public async Task AppendAsync(string @namespace, string pod, string container, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stored = await _client.CoreV1.ReadNamespacedPodAsync(pod, @namespace, cancellationToken: cancellationToken);
        var status = (stored.Status?.ContainerStatuses ?? [])
            .Concat(stored.Status?.InitContainerStatuses ?? [])
            .Concat(stored.Status?.EphemeralContainerStatuses ?? [])
            .FirstOrDefault(c => c.Name == container);
        if (status?.State?.Running is null || string.IsNullOrEmpty(status.ContainerID))
        {
            throw new InvalidOperationException($"container \"{container}\" of pod {@namespace}/{pod} is not running");
        }

        _store.Run(stored.Metadata.Uid, container, status.ContainerID).Append(_store.Time.GetUtcNow(), text);
    }
}
