using System.Threading.Channels;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Testing;

/// <summary>
/// One exec (or attach) into a simulated container, as a delegate given to <see cref="FakeContainers"/> sees it: the
/// pod and container, the command, and the client's streams. A stream the client did not ask for is <see cref="Stream.Null"/>;
/// with a tty stderr is stdout.
/// </summary>
public sealed class ContainerExecContext
{
    internal ContainerExecContext(ContainerTarget target, IReadOnlyList<string> command, IContainerStreams streams, TimeProvider time)
    {
        Namespace = target.Namespace;
        Pod = target.Name;
        Container = target.Container;
        Command = command;
        Tty = streams.Tty;
        Stdin = streams.Stdin ?? Stream.Null;
        Stdout = streams.Stdout ?? Stream.Null;
        Stderr = streams.Tty ? Stdout : streams.Stderr ?? Stream.Null;
        Resizes = streams.Resizes;
        Time = time;
    }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The pod's name.</summary>
    public string Pod { get; }

    /// <summary>The container's name.</summary>
    public string Container { get; }

    /// <summary>The command (argv); empty for an attach.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>Whether the client asked for a tty.</summary>
    public bool Tty { get; }

    /// <summary>What the client sends; reads return 0 once it closed stdin.</summary>
    public Stream Stdin { get; }

    /// <summary>The container's stdout.</summary>
    public Stream Stdout { get; }

    /// <summary>The container's stderr.</summary>
    public Stream Stderr { get; }

    /// <summary>The terminal sizes a tty client sends, as (width, height).</summary>
    public IAsyncEnumerable<(int Width, int Height)> TerminalSizes => ReadSizesAsync(Resizes);

    /// <summary>The server's clock (FakeClusterOptions.TimeProvider).</summary>
    public TimeProvider Time { get; }

    private ChannelReader<TerminalSize> Resizes { get; }

    private static async IAsyncEnumerable<(int Width, int Height)> ReadSizesAsync(ChannelReader<TerminalSize> sizes)
    {
        await foreach (var size in sizes.ReadAllAsync())
        {
            yield return (size.Width, size.Height);
        }
    }
}
