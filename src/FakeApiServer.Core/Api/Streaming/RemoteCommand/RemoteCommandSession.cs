using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// One exec or attach once the target is resolved: runs it in the simulated container over the streams the transport
/// built and says how it ended. A runtime's exception is an internal error on the error stream (the kubelet's "error
/// executing command in container: ..." or "error attaching to container: ..."), not a failed request.
/// </summary>
internal sealed record RemoteCommandSession(IContainerRuntime Runtime, ContainerTarget Target, RemoteCommandOptions Options, bool Exec)
{
    /// <param name="streams">The transport's streams.</param>
    /// <param name="translated">Whether the client came through the apiserver's v5 stream translator (its exit message).</param>
    /// <param name="cancellationToken">Fires when the client left or the server stops.</param>
    public async Task<RemoteCommandStatus> RunAsync(IContainerStreams streams, bool translated, CancellationToken cancellationToken)
    {
        try
        {
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
}
