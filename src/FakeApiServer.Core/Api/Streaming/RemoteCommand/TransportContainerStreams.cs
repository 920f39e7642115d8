using System.Threading.Channels;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>The standard streams of one exec or attach as a transport (SPDY streams or WebSocket channels) provides them.</summary>
internal sealed record TransportContainerStreams(bool Tty, Stream? Stdin, Stream? Stdout, Stream? Stderr, ChannelReader<TerminalSize> Resizes) : IContainerStreams;
