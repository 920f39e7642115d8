namespace FakeApiServer.SimulatedContainers;

/// <summary>One piece of output an attach rule writes, <see cref="After"/> the client attached.</summary>
internal sealed record ScriptedOutput(TimeSpan After, string Text, bool Stderr);

/// <summary>
/// The answer of an attach rule written as data: the main process writes <see cref="Output"/> at its times (measured
/// from the attach, on the server's clock), echoes what the client types when <see cref="EchoStdin"/>, and otherwise
/// waits until the container ends or the client leaves.
/// </summary>
internal sealed record ScriptedAttach(IReadOnlyList<ScriptedOutput> Output, bool EchoStdin)
{
    public async Task RunAsync(ContainerAttach attach, CancellationToken cancellationToken)
    {
        var streams = attach.Streams;
        var echo = EchoStdin && streams.Stdin is { } stdin && streams.Stdout is { } stdout
            ? stdin.CopyToAsync(stdout, cancellationToken)
            : Task.CompletedTask;
        var start = attach.Time.GetUtcNow();
        foreach (var output in Output.OrderBy(o => o.After))
        {
            var wait = start + output.After - attach.Time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, attach.Time, cancellationToken);
            }

            await ContainerOutput.WriteAsync(streams, output.Text, output.Stderr, cancellationToken);
        }

        await echo;
        await Task.Delay(Timeout.InfiniteTimeSpan, attach.Time, cancellationToken);
    }
}
