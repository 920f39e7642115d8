using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// An in-process container runtime for the stream transports' tests: a few commands whose output, exit code, stdin echo
/// and terminal size the tests check through real clients, an attach that greets and echoes, and port-forward to local
/// TCP ports the test runs (<see cref="Ports"/>: pod port to local port).
/// </summary>
internal sealed class TestContainerRuntime : IContainerRuntime
{
    private readonly UnscriptedContainerRuntime _checks = new();

    /// <summary>Pod port to the local port a test server listens on.</summary>
    public Dictionary<int, int> Ports { get; } = [];

    public ContainerTarget ResolveContainer(JsonObject pod, string? container) => _checks.ResolveContainer(pod, container);

    public ContainerTarget ResolvePod(JsonObject pod) => _checks.ResolvePod(pod);

    /// <summary>
    /// echo ARGS: ARGS on stdout. fail CODE: "out" on stdout, "err" on stderr, exit CODE. cat: stdin to stdout.
    /// size: the first terminal size, as WxH. Anything else: the unscripted 127.
    /// </summary>
    public async Task<int> ExecAsync(ContainerTarget target, IReadOnlyList<string> command, IContainerStreams streams, CancellationToken cancellationToken)
    {
        switch (command.Count > 0 ? command[0] : "")
        {
            case "echo":
                await WriteAsync(streams.Stdout, string.Join(' ', command.Skip(1)) + "\n", cancellationToken);
                return 0;
            case "fail":
                await WriteAsync(streams.Stdout, "out\n", cancellationToken);
                await WriteAsync(streams.Tty ? streams.Stdout : streams.Stderr, "err\n", cancellationToken);
                return int.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture);
            case "cat" when streams.Stdin is { } stdin && streams.Stdout is { } stdout:
                await stdin.CopyToAsync(stdout, cancellationToken);
                return 0;
            case "size":
                var size = await streams.Resizes.ReadAsync(cancellationToken);
                await WriteAsync(streams.Stdout, $"{size.Width}x{size.Height}\n", cancellationToken);
                return 0;
            default:
                return await _checks.ExecAsync(target, command, streams, cancellationToken);
        }
    }

    /// <summary>Greets on stdout, then echoes stdin (when attached with it) until it closes.</summary>
    public async Task AttachAsync(ContainerTarget target, IContainerStreams streams, CancellationToken cancellationToken)
    {
        await WriteAsync(streams.Stdout, $"attached to {target.Container}\n", cancellationToken);
        if (streams.Stdin is { } stdin && streams.Stdout is { } stdout)
        {
            await stdin.CopyToAsync(stdout, cancellationToken);
        }
    }

    public async Task PortForwardAsync(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken)
    {
        if (!Ports.TryGetValue(port, out var local))
        {
            throw new InvalidOperationException($"failed to connect to localhost:{port} inside namespace \"{target.Namespace}\": connection refused");
        }

        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, local, cancellationToken);
        var socket = client.GetStream();
        var upstream = Task.Run(
            async () =>
            {
                await connection.CopyToAsync(socket, cancellationToken);
                client.Client.Shutdown(SocketShutdown.Send);
            },
            cancellationToken);
        // The test server answers and closes: the connection ends with its reply, whatever the client still sends.
        await socket.CopyToAsync(connection, cancellationToken);
        _ = upstream;
    }

    private static async Task WriteAsync(Stream? stream, string text, CancellationToken cancellationToken)
    {
        if (stream is not null)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        }
    }
}
