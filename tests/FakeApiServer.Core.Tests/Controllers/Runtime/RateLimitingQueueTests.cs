using FakeApiServer.Controllers.Runtime;

namespace FakeApiServer.Tests.Controllers.Runtime;

public sealed class RateLimitingQueueTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly ManualTime _time = new();

    [Fact]
    public async Task A_key_added_while_it_waits_is_queued_once()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);

        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await queue.GetAsync(cts.Token));
        Assert.Equal("b", await queue.GetAsync(cts.Token));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_added_while_it_is_processed_is_processed_again_after_Done()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);
        queue.Add("a");
        var key = await queue.GetAsync(cts.Token);

        queue.Add("a");
        queue.Add("a");

        // Not handed to a second worker while the first holds it.
        Assert.Equal(0, queue.Count);
        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await queue.GetAsync(cts.Token));
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AddAfter_queues_the_key_when_the_clock_reaches_its_time()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);

        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a", await queue.GetAsync(cts.Token));
    }

    [Fact]
    public async Task AddAfter_keeps_the_earliest_time_of_one_key()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);

        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)], _time.Waiting);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("a", await queue.GetAsync(cts.Token));
    }

    [Fact]
    public async Task AddAfter_without_a_delay_queues_at_once()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);

        queue.AddAfter("a", TimeSpan.Zero);

        Assert.Empty(_time.Waiting);
        Assert.Equal("a", await queue.GetAsync(cts.Token));
    }

    [Fact]
    public async Task AddRateLimited_backs_off_per_key_and_Forget_starts_it_over()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);

        foreach (var expected in new[] { 5, 10, 20 })
        {
            queue.AddRateLimited("a");
            Assert.Equal(TimeSpan.FromMilliseconds(expected), await _time.NextTimerAsync(cts.Token));
            _time.Advance(TimeSpan.FromMilliseconds(expected));
            queue.Done(await queue.GetAsync(cts.Token));
        }

        Assert.Equal(3, queue.NumRequeues("a"));
        queue.Forget("a");

        Assert.Equal(0, queue.NumRequeues("a"));
        queue.AddRateLimited("a");
        Assert.Equal(TimeSpan.FromMilliseconds(5), await _time.NextTimerAsync(cts.Token));
    }

    [Fact]
    public async Task Forget_does_not_take_a_queued_key_out()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);
        queue.Add("a");

        queue.Forget("a");

        Assert.Equal("a", await queue.GetAsync(cts.Token));
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers_drops_delayed_keys_and_ignores_adds()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);
        var waiting = queue.GetAsync(cts.Token);
        queue.AddAfter("late", TimeSpan.FromSeconds(1));

        queue.ShutDown();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Empty(_time.Waiting);
        queue.Add("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task RunAsync_processes_each_key_and_returns_on_shut_down()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        using var queue = new RateLimitingQueue<string>(_time);
        var seen = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Add("a");
        queue.Add("b");

        var running = queue.RunAsync(2, (key, _) =>
        {
            lock (seen)
            {
                seen.Add(key);
                if (seen.Count == 2)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }, cts.Token);
        await all.Task.WaitAsync(cts.Token);
        queue.ShutDown();
        await running.WaitAsync(cts.Token);

        Assert.Equal(["a", "b"], seen.Order());
    }
}
