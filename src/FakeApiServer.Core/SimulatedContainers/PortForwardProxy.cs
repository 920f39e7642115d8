using System.Net.Sockets;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// A port-forward rule's target, as kwok's ClusterPortForward: each forwarded connection is proxied to a TCP address
/// (typically a server the test runs on loopback). A target that refuses the connection is reported as the container
/// runtime reports a closed port in the pod.
/// </summary>
internal sealed record PortForwardProxy(string Host, int Port)
{
    public async Task ServeAsync(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(Host, Port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException(ClosedPortMessage(target, port, e.Message), e);
        }

        var socket = client.GetStream();
        var upstream = CopyThenShutdownAsync(connection, client, cancellationToken);
        await socket.CopyToAsync(connection, cancellationToken);
        await connection.FlushAsync(cancellationToken);
        try
        {
            await upstream.WaitAsync(TimeSpan.Zero, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The target closed first: the connection is over even though the client may still send.
        }
    }

    /// <summary>What a container runtime (containerd's portforward) answers for a port nothing listens on.</summary>
    public static string ClosedPortMessage(ContainerTarget target, int port, string why) =>
        $"failed to connect to localhost:{port} inside namespace \"{target.Namespace}\" pod \"{target.Name}\": {why}";

    private static async Task CopyThenShutdownAsync(Stream from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to.GetStream(), cancellationToken);
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The other direction ended the connection.
        }
    }
}
