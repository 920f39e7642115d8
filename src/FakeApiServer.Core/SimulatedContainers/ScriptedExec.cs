using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The answer of an exec rule written as data (the rule file, a ContainerRule object): optionally copy stdin to stdout
/// until the client closes it, wait <see cref="Delay"/> on the server's clock, write <see cref="Stdout"/> and
/// <see cref="Stderr"/> (both to stdout with a tty, as a terminal merges them), exit with <see cref="ExitCode"/>.
/// </summary>
internal sealed record ScriptedExec(string Stdout, string Stderr, int ExitCode, TimeSpan Delay, bool EchoStdin)
{
    public async Task<int> RunAsync(ContainerExec exec, CancellationToken cancellationToken)
    {
        var streams = exec.Streams;
        if (EchoStdin && streams.Stdin is { } stdin)
        {
            await stdin.CopyToAsync(streams.Stdout ?? Stream.Null, cancellationToken);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, exec.Time, cancellationToken);
        }

        await ContainerOutput.WriteAsync(streams, Stdout, toStderr: false, cancellationToken);
        await ContainerOutput.WriteAsync(streams, Stderr, toStderr: true, cancellationToken);
        return ExitCode;
    }
}

/// <summary>Writing text to a container's stdout or stderr as its streams allow (stderr goes to stdout with a tty).</summary>
internal static class ContainerOutput
{
    public static async Task WriteAsync(IContainerStreams streams, string text, bool toStderr, CancellationToken cancellationToken)
    {
        if (text.Length == 0)
        {
            return;
        }

        var stream = toStderr && !streams.Tty ? streams.Stderr : streams.Stdout;
        if (stream is null)
        {
            return;
        }

        // A terminal turns each newline into CR LF (onlcr); without a tty the bytes go as written.
        var bytes = Encoding.UTF8.GetBytes(streams.Tty ? text.ReplaceLineEndings("\n").Replace("\n", "\r\n", StringComparison.Ordinal) : text);
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
