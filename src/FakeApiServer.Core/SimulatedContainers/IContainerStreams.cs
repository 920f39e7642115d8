using System.Threading.Channels;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The standard streams of one exec or attach, whatever the transport that carries them (WebSocket channel protocols
/// v4/v5.channel.k8s.io, or SPDY/3.1): the transport builds them after the upgrade, and writes the exit status itself.
/// </summary>
internal interface IContainerStreams
{
    /// <summary>Whether the client asked for a tty: stderr is then merged into stdout and resizes may arrive.</summary>
    bool Tty { get; }

    /// <summary>What the client types; null when it asked for no stdin. Reads return 0 once the client closed stdin or left.</summary>
    Stream? Stdin { get; }

    /// <summary>The container's stdout; null when the client asked for none.</summary>
    Stream? Stdout { get; }

    /// <summary>The container's stderr; null when the client asked for none, and with a tty.</summary>
    Stream? Stderr { get; }

    /// <summary>Terminal size changes the client sends (tty only); completes when the connection ends.</summary>
    ChannelReader<TerminalSize> Resizes { get; }
}
