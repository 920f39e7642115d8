namespace FakeApiServer.SimulatedContainers;

/// <summary>The standard streams of one built-in command (never null: a stream the client did not ask for is <see cref="Stream.Null"/>).</summary>
internal sealed record ShellIo(Stream Stdin, Stream Stdout, Stream Stderr);
