namespace FakeApiServer.Controllers.Jobs;

/// <summary>
/// The job controller's delay before it replaces failed pods: 10 s after the last failure, doubled for each further
/// failure since the last success, at most 6 minutes (DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff).
/// </summary>
/// <param name="FailuresAfterLastSuccess">How many pods failed since the job's last success.</param>
/// <param name="LastFailure">When the last of them finished.</param>
internal sealed record PodFailureBackoff(int FailuresAfterLastSuccess, DateTimeOffset LastFailure)
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan Max = TimeSpan.FromMinutes(6);

    public static PodFailureBackoff None { get; } = new(0, DateTimeOffset.MinValue);

    /// <summary>The back-off after <see cref="FailuresAfterLastSuccess"/> failures.</summary>
    public TimeSpan Delay => FailuresAfterLastSuccess <= 0 ? TimeSpan.Zero
        : FailuresAfterLastSuccess > 6 ? Max
        : TimeSpan.FromTicks(Math.Min(Initial.Ticks << (FailuresAfterLastSuccess - 1), Max.Ticks));

    /// <summary>How long from <paramref name="now"/> until new pods may be created (zero: now).</summary>
    public TimeSpan Remaining(DateTimeOffset now) =>
        FailuresAfterLastSuccess <= 0 || LastFailure + Delay <= now ? TimeSpan.Zero : LastFailure + Delay - now;

    /// <summary>The record after <paramref name="failures"/> more failures (the last at <paramref name="lastFailure"/>) and <paramref name="successes"/> successes.</summary>
    public PodFailureBackoff After(int successes, int failures, DateTimeOffset lastFailure) =>
        successes > 0 ? (failures > 0 ? new(failures, lastFailure) : None)
        : failures > 0 ? new(FailuresAfterLastSuccess + failures, lastFailure > LastFailure ? lastFailure : LastFailure)
        : this;
}
