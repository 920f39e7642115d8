namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's request limits (--max-requests-inflight, --max-mutating-requests-inflight, --request-timeout) and
/// a cap on open watches per user (--max-watches-per-user). Zero switches a limit off.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>Read-only requests (get, list) served at once before 429 (upstream default 400).</summary>
    public int MaxRequestsInflight { get; init; } = 400;

    /// <summary>Mutating requests (create, update, patch, delete) served at once before 429 (upstream default 200).</summary>
    public int MaxMutatingRequestsInflight { get; init; } = 200;

    /// <summary>How long a request that is not long-running (not a watch) may run before 504 (upstream default one minute).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Watches one user may hold open before 429.</summary>
    public int MaxWatchesPerUser { get; init; } = 1000;
}
