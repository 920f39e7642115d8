using System.Threading.Channels;
using FakeApiServer.Controllers;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Storage;

namespace FakeApiServer.Tests.Controllers.Runtime;

public sealed class ReconcilerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_per_key_exponential_back_off_until_it_succeeds()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        using var reconciler = new ScriptedReconciler(test.Context, (_, _, attempt) =>
            attempt <= 3 ? throw new StorageException("committing to the revision log failed: disk I/O error") : Task.CompletedTask);
        await using var running = Run(reconciler, cts.Token);

        reconciler.Enqueue("a");

        Assert.Equal(1, await reconciler.NextAttemptAsync("a", cts.Token));
        foreach (var (delay, attempt) in new[] { (5, 2), (10, 3), (20, 4) })
        {
            Assert.Equal(TimeSpan.FromMilliseconds(delay), await test.Time.NextTimerAsync(cts.Token));
            test.Time.Advance(TimeSpan.FromMilliseconds(delay));
            Assert.Equal(attempt, await reconciler.NextAttemptAsync("a", cts.Token));
        }
    }

    [Fact]
    public async Task A_success_ends_the_back_off_so_the_next_failure_waits_the_base_delay_again()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        using var reconciler = new ScriptedReconciler(test.Context, (_, _, attempt) =>
            attempt is 1 or 2 or 4 ? throw new InvalidOperationException("a bug") : Task.CompletedTask);
        await using var running = Run(reconciler, cts.Token);
        reconciler.Enqueue("a");
        Assert.Equal(1, await reconciler.NextAttemptAsync("a", cts.Token));
        test.Time.Advance(await test.Time.NextTimerAsync(cts.Token));
        Assert.Equal(2, await reconciler.NextAttemptAsync("a", cts.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(10), await test.Time.NextTimerAsync(cts.Token));
        test.Time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(3, await reconciler.NextAttemptAsync("a", cts.Token));

        reconciler.Enqueue("a");

        Assert.Equal(4, await reconciler.NextAttemptAsync("a", cts.Token));
        Assert.Equal(TimeSpan.FromMilliseconds(5), await test.Time.NextTimerAsync(cts.Token));
    }

    [Fact]
    public async Task A_failing_key_does_not_hold_up_other_keys()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        using var reconciler = new ScriptedReconciler(test.Context, (_, key, _) =>
            key == "bad" ? throw new InvalidOperationException("a bug") : Task.CompletedTask);
        await using var running = Run(reconciler, cts.Token);

        reconciler.Enqueue("bad");
        Assert.Equal(1, await reconciler.NextAttemptAsync("bad", cts.Token));
        reconciler.Enqueue("good");

        Assert.Equal(1, await reconciler.NextAttemptAsync("good", cts.Token));
        Assert.Equal([TimeSpan.FromMilliseconds(5)], test.Time.Waiting);
    }

    [Fact]
    public async Task RequeueAfter_reconciles_the_key_again_when_the_clock_gets_there()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        using var reconciler = new ScriptedReconciler(test.Context, (self, key, attempt) =>
        {
            if (attempt == 1)
            {
                self.Later(key, TimeSpan.FromSeconds(30));
            }

            return Task.CompletedTask;
        });
        await using var running = Run(reconciler, cts.Token);
        reconciler.Enqueue("a");
        Assert.Equal(1, await reconciler.NextAttemptAsync("a", cts.Token));

        Assert.Equal(TimeSpan.FromSeconds(30), await test.Time.NextTimerAsync(cts.Token));
        test.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(reconciler.HasAttempt);
        test.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, await reconciler.NextAttemptAsync("a", cts.Token));
    }

    [Fact]
    public async Task Cancelling_stops_the_controller_normally()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        using var reconciler = new ScriptedReconciler(test.Context, (_, _, _) => Task.CompletedTask);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var running = reconciler.RunAsync(stop.Token);
        reconciler.Enqueue("a");
        Assert.Equal(1, await reconciler.NextAttemptAsync("a", cts.Token));

        await stop.CancelAsync();

        await running.WaitAsync(cts.Token);
        Assert.True(running.IsCompletedSuccessfully);
    }

    private static RunningController Run(IController controller, CancellationToken cancellationToken) => new(controller, cancellationToken);

    /// <summary>A controller running until disposed; disposing stops it and waits for it.</summary>
    private sealed class RunningController : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _running;

        public RunningController(IController controller, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _running = controller.RunAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
        }
    }

    /// <summary>A controller whose reconcile the test scripts per key and attempt, and whose attempts it reads in order.</summary>
    private sealed class ScriptedReconciler(ControllerContext context, Func<ScriptedReconciler, string, int, Task> reconcile)
        : Reconciler<string>(context, "scripted")
    {
        private readonly Channel<(string Key, int Attempt)> _attempts = Channel.CreateUnbounded<(string, int)>();
        private readonly Dictionary<string, int> _counts = [];

        public bool HasAttempt => _attempts.Reader.TryPeek(out _);

        public void Enqueue(string key) => Queue.Add(key);

        public void Later(string key, TimeSpan delay) => RequeueAfter(key, delay);

        public async Task<int> NextAttemptAsync(string key, CancellationToken cancellationToken)
        {
            var (seen, attempt) = await _attempts.Reader.ReadAsync(cancellationToken);
            Assert.Equal(key, seen);
            return attempt;
        }

        protected override void Watch(SharedInformerFactory informers)
        {
        }

        protected override Task ReconcileAsync(string key, CancellationToken cancellationToken)
        {
            int attempt;
            lock (_counts)
            {
                attempt = _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }

            _attempts.Writer.TryWrite((key, attempt));
            return reconcile(this, key, attempt);
        }
    }
}
