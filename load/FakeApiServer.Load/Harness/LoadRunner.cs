using System.Diagnostics;
using System.Threading.RateLimiting;
using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>Runs a <see cref="LoadTest"/>: setup, warm-up, measured period, teardown.</summary>
internal sealed class LoadRunner(TimeProvider time)
{
    /// <summary>Runs the test and returns what the measured period saw.</summary>
    public async Task<LoadStats> RunAsync(LoadTest test, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Setup is { } setup)
        {
            await setup(cancellationToken);
        }

        try
        {
            return test.Model.IsOpen
                ? await RunOpenAsync(test, warmUp, duration, cancellationToken)
                : await RunClosedAsync(test, warmUp, duration, cancellationToken);
        }
        finally
        {
            if (test.Teardown is { } teardown)
            {
                await teardown(cancellationToken);
            }
        }
    }

    private async Task<LoadStats> RunClosedAsync(LoadTest test, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var measureFrom = start + Ticks(warmUp);
        var measureUntil = measureFrom + Ticks(duration);
        var cpuFrom = CpuAtAsync(test, measureFrom, cancellationToken);
        var users = new UserTally[test.Model.Users];
        var tasks = new Task[users.Length];
        for (var u = 0; u < users.Length; u++)
        {
            var tally = users[u] = new UserTally();
            var user = u;
            tasks[u] = Task.Run(
                async () =>
                {
                    for (long i = 0; ; i++)
                    {
                        var begin = time.GetTimestamp();
                        if (begin >= measureUntil)
                        {
                            return;
                        }

                        var result = await StepAsync(test, new StepContext(user, i), cancellationToken);
                        if (begin >= measureFrom)
                        {
                            tally.Add(test, result, time, begin, time.GetTimestamp());
                        }
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(tasks);
        var cpu = CpuSince(test, await cpuFrom);
        var total = Latency.NewHistogram();
        var all = new UserTally();
        foreach (var tally in users)
        {
            total.Add(tally.Histogram);
            all.Merge(tally);
        }

        return LoadStats.From(test.Name, test.Model.ToString(), total, all.Errors, duration.TotalSeconds, all.Bytes, all.ErrorsByStatus, cpu: cpu);
    }

    private async Task<LoadStats> RunOpenAsync(LoadTest test, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var rate = test.Model.RatePerSecond!.Value;
        // Arrivals follow the clock: request i is due at start + i / rate. A TokenBucketRateLimiter pacing them
        // (AutoReplenishment, one token per 20 ms at 50/s) fell behind its period on this machine and drifted to
        // 400 ms late after 10 s, which the intended-start latency then charged to the server. The limiter bounds
        // the requests in flight instead, queueing (and so charging) any beyond it.
        using var inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = test.Model.Users,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var tally = new UserTally();
        var windows = new List<(LongHistogram Histogram, long Count)>();
        var windowTicks = test.Window is { } w ? Ticks(w) : long.MaxValue;
        var gate = new Lock();
        var start = time.GetTimestamp();
        var measureFrom = start + Ticks(warmUp);
        var measureUntil = measureFrom + Ticks(duration);
        var cpuFrom = CpuAtAsync(test, measureFrom, cancellationToken);
        var pending = new List<Task>();
        for (long i = 0; ; i++)
        {
            var intended = start + (long)(i * time.TimestampFrequency / rate);
            if (intended >= measureUntil)
            {
                break;
            }

            var wait = time.GetElapsedTime(time.GetTimestamp(), intended);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            // Always granted (unbounded queue); waiting for it is part of the latency from `intended`.
            var lease = await inFlight.AcquireAsync(1, cancellationToken);
            var iteration = i;
            pending.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        var result = await StepAsync(test, new StepContext(0, iteration), cancellationToken);
                        var end = time.GetTimestamp();
                        if (intended < measureFrom)
                        {
                            return;
                        }

                        lock (gate)
                        {
                            tally.Add(test, result, time, intended, end);
                            if (test.Window is not null)
                            {
                                var index = (int)((intended - measureFrom) / windowTicks);
                                while (windows.Count <= index)
                                {
                                    windows.Add((Latency.NewHistogram(), 0));
                                }

                                Latency.Record(windows[index].Histogram, time, intended, end);
                                windows[index] = (windows[index].Histogram, windows[index].Count + 1);
                            }
                        }
                    }
                    finally
                    {
                        lease.Dispose();
                    }
                },
                cancellationToken));
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
        var cpu = CpuSince(test, await cpuFrom);
        var windowStats = windows
            .Select((x, index) => new WindowStats(
                index * time.GetElapsedTime(0, windowTicks).TotalSeconds, x.Count, x.Histogram.TotalCount == 0 ? 0 : x.Histogram.GetValueAtPercentile(99) / 1000.0))
            .ToList();
        return LoadStats.From(test.Name, test.Model.ToString(), tally.Histogram, tally.Errors, duration.TotalSeconds, tally.Bytes, tally.ErrorsByStatus, windowStats, cpu);
    }

    private static async ValueTask<StepResult> StepAsync(LoadTest test, StepContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await test.Step(context, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return StepResult.Failed(e);
        }
    }

    // Server and client processor time when the measured period starts (null when the test cannot read the server's).
    private async Task<(TimeSpan Server, TimeSpan Client)?> CpuAtAsync(LoadTest test, long at, CancellationToken cancellationToken)
    {
        if (test.ServerProcessorTime is not { } server)
        {
            return null;
        }

        var wait = time.GetElapsedTime(time.GetTimestamp(), at);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return (server(), ClientProcessorTime());
    }

    private static CpuUsage? CpuSince(LoadTest test, (TimeSpan Server, TimeSpan Client)? from) =>
        from is { } f && test.ServerProcessorTime is { } server
            ? new CpuUsage((server() - f.Server).TotalMilliseconds, (ClientProcessorTime() - f.Client).TotalMilliseconds)
            : null;

    private static TimeSpan ClientProcessorTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>One user's counts (or the open model's, under a lock).</summary>
    private sealed class UserTally
    {
        public LongHistogram Histogram { get; } = Latency.NewHistogram();

        public long Errors { get; private set; }

        public long Bytes { get; private set; }

        public Dictionary<string, long> ErrorsByStatus { get; } = [];

        public void Add(LoadTest test, StepResult result, TimeProvider time, long begin, long end)
        {
            Latency.Record(Histogram, time, begin, end);
            Bytes += result.Bytes;
            if (!result.Ok && !test.ExpectedStatusCodes.Contains(result.StatusCode))
            {
                Errors++;
                ErrorsByStatus[result.ErrorKey] = ErrorsByStatus.GetValueOrDefault(result.ErrorKey) + 1;
            }
        }

        public void Merge(UserTally other)
        {
            Errors += other.Errors;
            Bytes += other.Bytes;
            foreach (var (key, count) in other.ErrorsByStatus)
            {
                ErrorsByStatus[key] = ErrorsByStatus.GetValueOrDefault(key) + count;
            }
        }
    }
}
