namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// How long a key waits before it is processed again (client-go's workqueue.TypedRateLimiter). Implementations are
/// thread-safe and read time only through the TimeProvider they were given.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
internal interface IRateLimiter<in TKey>
    where TKey : notnull
{
    /// <summary>The delay before <paramref name="key"/> may be processed again; each call counts as one more failure.</summary>
    TimeSpan When(TKey key);

    /// <summary>Stops tracking <paramref name="key"/>: it succeeded, so its next failure starts from the base delay.</summary>
    void Forget(TKey key);

    /// <summary>How many times <paramref name="key"/> failed since it was last forgotten.</summary>
    int NumRequeues(TKey key);
}
