using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// One exec or attach once the target is resolved: runs it in the simulated container over the streams the transport
/// built and says how it ended. A runtime's exception is an internal error on the error stream (the kubelet's "error
/// executing command in container: ..." or "error attaching to container: ..."), not a failed request.
/// </summary>
internal sealed record RemoteCommandSession(IContainerRuntime Runtime, ContainerTarget? Target, RemoteCommandOptions Options, bool Exec)
{
    /// <summary>
    /// How long a terminal session waits for the client's first terminal size before the command starts. kubectl sends
    /// it as soon as the streams are up; a command that ended before it arrived would close the connection under the
    /// write, which kubectl reports as "Unhandled Error" err="websocket: close sent" (a real container takes longer to
    /// start than that). Clients that never send one (the C# and Python clients with tty) start this much later. It is
    /// network timing, not simulated time: measured on the system clock, so a test's fake clock never holds it up.
    /// </summary>
    private static readonly TimeSpan FirstSizeGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>The kubelet's refusal when it would not connect (<see cref="Target"/> is then null): the v5 translator's client gets it as an InternalError.</summary>
    public string? Refusal { get; init; }

    /// <param name="streams">The transport's streams.</param>
    /// <param name="translated">Whether the client came through the apiserver's v5 stream translator (its exit message).</param>
    /// <param name="cancellationToken">Fires when the client left or the server stops.</param>
    public async Task<RemoteCommandStatus> RunAsync(IContainerStreams streams, bool translated, CancellationToken cancellationToken)
    {
        if (Target is null)
        {
            return RemoteCommandStatus.InternalError("unable to upgrade connection: " + Refusal);
        }

        try
        {
            if (Options.Tty)
            {
                await FirstTerminalSizeAsync(streams, cancellationToken);
            }

            if (!Exec)
            {
                await Runtime.AttachAsync(Target, streams, cancellationToken);
                return RemoteCommandStatus.Succeeded;
            }

            var exitCode = await Runtime.ExecAsync(Target, Options.Command, streams, cancellationToken);
            return exitCode == 0 ? RemoteCommandStatus.Succeeded : RemoteCommandStatus.NonZeroExit(exitCode, Options.Command, translated);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return RemoteCommandStatus.InternalError((Exec ? "error executing command in container: " : "error attaching to container: ") + e.Message);
        }
    }

    /// <summary>Waits until the client has sent its first terminal size (left for the command to read), closed the resize stream, or the grace ended.</summary>
    private static async Task FirstTerminalSizeAsync(IContainerStreams streams, CancellationToken cancellationToken)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(FirstSizeGrace);
        try
        {
            await streams.Resizes.WaitToReadAsync(grace.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No size came: start anyway.
        }
    }
}
