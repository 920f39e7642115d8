namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// The longest delay of several limiters (client-go's MaxOfRateLimiter): every limiter counts each failure, and the
/// key waits for the slowest.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
internal sealed class MaxOfRateLimiter<TKey>(params IRateLimiter<TKey>[] limiters) : IRateLimiter<TKey>
    where TKey : notnull
{
    public TimeSpan When(TKey key)
    {
        var longest = TimeSpan.Zero;
        foreach (var limiter in limiters)
        {
            var delay = limiter.When(key);
            if (delay > longest)
            {
                longest = delay;
            }
        }

        return longest;
    }

    public void Forget(TKey key)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(key);
        }
    }

    public int NumRequeues(TKey key) => limiters.Max(l => l.NumRequeues(key));
}
