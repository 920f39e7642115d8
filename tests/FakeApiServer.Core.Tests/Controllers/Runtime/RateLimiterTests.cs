using FakeApiServer.Controllers.Runtime;

namespace FakeApiServer.Tests.Controllers.Runtime;

public sealed class RateLimiterTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Item_exponential_back_off_doubles_from_5ms_per_key_and_stops_at_1000s()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(RateLimiters.BaseDelay, RateLimiters.MaxDelay);

        Assert.Equal([5 * Ms, 10 * Ms, 20 * Ms, 40 * Ms], Enumerable.Range(0, 4).Select(_ => limiter.When("a")));
        Assert.Equal(5 * Ms, limiter.When("b"));
        var later = Enumerable.Range(0, 200).Select(_ => limiter.When("a")).ToList();

        // 5 ms * 2^17 = 655.36 s is the last delay under the cap; 2^18 would be 1310.72 s.
        Assert.Equal(TimeSpan.FromSeconds(655.36), later[13]);
        Assert.All(later.Skip(14), d => Assert.Equal(TimeSpan.FromSeconds(1000), d));
        Assert.Equal(204, limiter.NumRequeues("a"));
        Assert.Equal(1, limiter.NumRequeues("b"));
    }

    [Fact]
    public void Forget_starts_a_key_over_at_the_base_delay_and_leaves_other_keys_alone()
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(RateLimiters.BaseDelay, RateLimiters.MaxDelay);
        limiter.When("a");
        limiter.When("a");
        limiter.When("b");

        limiter.Forget("a");

        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(5 * Ms, limiter.When("a"));
        Assert.Equal(10 * Ms, limiter.When("b"));
    }

    [Fact]
    public void Bucket_lets_a_burst_of_100_through_then_paces_at_10_per_second_on_the_clock()
    {
        var time = new ManualTime();
        var limiter = new BucketRateLimiter<string>(RateLimiters.BucketQps, RateLimiters.BucketBurst, time);

        Assert.All(Enumerable.Range(0, 100).Select(i => limiter.When("key" + i)), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(100 * Ms, limiter.When("key100"));
        Assert.Equal(200 * Ms, limiter.When("key101"));

        // One second refills 10 tokens, 2 of which pay for the waits already handed out.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.All(Enumerable.Range(0, 8).Select(i => limiter.When("more" + i)), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(100 * Ms, limiter.When("more8"));

        // It tracks no key: nothing to forget or count.
        limiter.Forget("key100");
        Assert.Equal(0, limiter.NumRequeues("key100"));
    }

    [Fact]
    public void Bucket_never_holds_more_than_its_burst()
    {
        var time = new ManualTime();
        var limiter = new BucketRateLimiter<string>(RateLimiters.BucketQps, RateLimiters.BucketBurst, time);

        time.Advance(TimeSpan.FromHours(1));

        Assert.All(Enumerable.Range(0, 100).Select(i => limiter.When("key" + i)), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(100 * Ms, limiter.When("key100"));
    }

    [Fact]
    public void Max_of_waits_for_the_slowest_limiter_and_every_limiter_counts_each_failure()
    {
        var time = new ManualTime();
        var limiter = RateLimiters.DefaultController<string>(time);

        // The per-key back-off is the longer wait while the bucket has tokens.
        Assert.Equal([5 * Ms, 10 * Ms, 20 * Ms], Enumerable.Range(0, 3).Select(_ => limiter.When("a")));
        Assert.Equal(3, limiter.NumRequeues("a"));

        // 97 more first failures empty the bucket; then the bucket's wait is the longer one.
        Assert.All(Enumerable.Range(0, 97).Select(i => limiter.When("key" + i)), d => Assert.Equal(5 * Ms, d));
        Assert.Equal(100 * Ms, limiter.When("b"));
        Assert.Equal(200 * Ms, limiter.When("a"));

        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(5 * Ms, limiter.When("a"));
    }
}
