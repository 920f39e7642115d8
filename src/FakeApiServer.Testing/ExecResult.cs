namespace FakeApiServer.Testing;

/// <summary>
/// A canned answer to an exec: after <see cref="Delay"/> on the server's clock (and, with <see cref="EchoStdin"/>,
/// after copying stdin to stdout until the client closes it), <see cref="Stdout"/> and <see cref="Stderr"/> are written
/// and the command exits with <see cref="ExitCode"/>.
/// </summary>
public sealed record ExecResult
{
    /// <summary>What the command writes to stdout.</summary>
    public string Stdout { get; init; } = "";

    /// <summary>What the command writes to stderr (to stdout with a tty).</summary>
    public string Stderr { get; init; } = "";

    /// <summary>The exit code (0-255).</summary>
    public int ExitCode { get; init; }

    /// <summary>How long the command runs before it writes and exits.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Whether the command first copies stdin to stdout until the client closes stdin.</summary>
    public bool EchoStdin { get; init; }
}
