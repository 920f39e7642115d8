namespace FakeApiServer.SimulatedContainers;

/// <summary>A terminal size a client sends on the resize channel of a tty exec or attach (remotecommand.TerminalSize).</summary>
internal readonly record struct TerminalSize(ushort Width, ushort Height);
