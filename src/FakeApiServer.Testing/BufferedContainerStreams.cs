using System.Threading.Channels;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Testing;

/// <summary>The streams of an in-process exec: stdin from bytes given up front, stdout and stderr collected in memory.</summary>
internal sealed class BufferedContainerStreams(byte[]? stdin, bool tty) : IContainerStreams
{
    private static readonly ChannelReader<TerminalSize> NoResizes = CreateCompleted();

    public bool Tty { get; } = tty;

    public Stream? Stdin { get; } = stdin is null ? null : new MemoryStream(stdin, writable: false);

    public MemoryStream Output { get; } = new();

    public MemoryStream Errors { get; } = new();

    public Stream? Stdout => Output;

    public Stream? Stderr => Tty ? null : Errors;

    public ChannelReader<TerminalSize> Resizes => NoResizes;

    private static ChannelReader<TerminalSize> CreateCompleted()
    {
        var channel = Channel.CreateUnbounded<TerminalSize>();
        channel.Writer.Complete();
        return channel.Reader;
    }
}
