namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// How one simulated container behaves once started (a pod lifecycle stage, as kwok's stages, but per pod): it keeps
/// running unless <see cref="ExitAfter"/> is set, then terminates with <see cref="ExitCode"/>; it becomes ready
/// <see cref="ReadyAfter"/> after it starts, unless its readiness <see cref="FailsReadiness">fails</see>. What happens
/// after it terminates is the pod's restartPolicy: restarted with the kubelet's crash-loop back-off, or left terminated.
/// </summary>
/// <param name="ExitAfter">How long each run lasts before the container terminates; null runs for ever.</param>
/// <param name="ExitCode">The exit code of each termination (0: Completed, otherwise Error).</param>
/// <param name="ReadyAfter">How long after a start the container becomes ready.</param>
/// <param name="FailsReadiness">The readiness probe never succeeds: the container runs but is never ready.</param>
internal sealed record ContainerStage(TimeSpan? ExitAfter, int ExitCode, TimeSpan ReadyAfter, bool FailsReadiness)
{
    /// <summary>The default: runs for ever, ready at once (what the simulated kubelet always did).</summary>
    public static ContainerStage Running { get; } = new(null, 0, TimeSpan.Zero, false);

    /// <summary>Whether a termination with <see cref="ExitCode"/> is followed by a restart under <paramref name="restartPolicy"/>.</summary>
    public bool Restarts(string restartPolicy) => restartPolicy switch
    {
        "Never" => false,
        "OnFailure" => ExitCode != 0,
        _ => true,
    };
}
