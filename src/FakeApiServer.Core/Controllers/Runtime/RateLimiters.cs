namespace FakeApiServer.Controllers.Runtime;

/// <summary>The rate limiters controllers use by default.</summary>
internal static class RateLimiters
{
    /// <summary>The first retry of a failed key waits this long (client-go's DefaultControllerRateLimiter).</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Retries of a key never wait longer than this (client-go's DefaultControllerRateLimiter).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1000);

    /// <summary>The overall bucket's refill rate, per second, shared by every key.</summary>
    public const double BucketQps = 10;

    /// <summary>The overall bucket's size: retries beyond it wait for the refill.</summary>
    public const int BucketBurst = 100;

    /// <summary>
    /// client-go's DefaultControllerRateLimiter: per-key exponential back-off from 5 ms to 1000 s, max'ed with an
    /// overall bucket of 10 qps and burst 100.
    /// </summary>
    public static IRateLimiter<TKey> DefaultController<TKey>(TimeProvider time)
        where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(
            new ItemExponentialFailureRateLimiter<TKey>(BaseDelay, MaxDelay),
            new BucketRateLimiter<TKey>(BucketQps, BucketBurst, time));
}
