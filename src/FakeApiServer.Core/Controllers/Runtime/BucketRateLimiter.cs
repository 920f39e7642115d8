namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// An overall token bucket shared by every key (client-go's BucketRateLimiter over golang.org/x/time/rate): it holds
/// at most <c>burst</c> tokens, refilled at <c>qps</c> per second; each <see cref="When"/> takes a token, waiting for
/// it when the bucket is empty. It tracks no key, so <see cref="Forget"/> does nothing.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
internal sealed class BucketRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly double _qps;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private DateTimeOffset _last;

    public BucketRateLimiter(double qps, int burst, TimeProvider time)
    {
        _qps = qps;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _last = time.GetUtcNow();
    }

    public TimeSpan When(TKey key)
    {
        lock (_lock)
        {
            // Refill for the time elapsed, then reserve one token; a negative balance is the wait for it.
            var now = _time.GetUtcNow();
            if (now > _last)
            {
                _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _qps);
                _last = now;
            }

            _tokens--;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _qps);
        }
    }

    public void Forget(TKey key)
    {
    }

    public int NumRequeues(TKey key) => 0;
}
