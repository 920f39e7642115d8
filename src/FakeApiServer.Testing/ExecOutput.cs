using System.Text;

namespace FakeApiServer.Testing;

/// <summary>What an in-process exec (<see cref="FakeContainers.ExecAsync"/>) wrote and its exit code.</summary>
/// <param name="Stdout">The bytes written to stdout (with a tty, stderr too).</param>
/// <param name="Stderr">The bytes written to stderr.</param>
/// <param name="ExitCode">The exit code.</param>
public sealed record ExecOutput(byte[] Stdout, byte[] Stderr, int ExitCode)
{
    /// <summary>Stdout as UTF-8 text.</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Stderr as UTF-8 text.</summary>
    public string StderrText => Encoding.UTF8.GetString(Stderr);
}
