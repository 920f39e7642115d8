namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// Per-key exponential back-off (client-go's ItemExponentialFailureRateLimiter): the n-th failure of a key waits
/// baseDelay * 2^(n-1), capped at maxDelay; <see cref="Forget"/> starts the key over.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
internal sealed class ItemExponentialFailureRateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Lock _lock = new();

    public TimeSpan When(TKey key)
    {
        int exponent;
        lock (_lock)
        {
            _failures.TryGetValue(key, out exponent);
            _failures[key] = exponent + 1;
        }

        // As upstream, a delay that would overflow is the maximum.
        var delay = baseDelay.Ticks * Math.Pow(2, exponent);
        return delay >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delay);
    }

    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}
