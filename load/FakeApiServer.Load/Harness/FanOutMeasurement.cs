using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>What a fan-out measurement saw: delivery, order and end-to-end latency over all watchers.</summary>
internal sealed record FanOutResult
{
    public required int Watchers { get; init; }

    /// <summary>Events acknowledged to the writer.</summary>
    public required long Written { get; init; }

    /// <summary>Events received over all watchers.</summary>
    public required long Delivered { get; init; }

    /// <summary>Written x watchers - delivered.</summary>
    public long Dropped => Math.Max(0, (Written * Watchers) - Delivered);

    public required long OutOfOrder { get; init; }

    public required long ErrorEvents { get; init; }

    public required int EndedEarly { get; init; }

    /// <summary>Sent timestamp to reception, milliseconds.</summary>
    public required double P50 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double P99 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double Max { get; init; }

    /// <summary>The writer's own statistics.</summary>
    public required LoadStats Writer { get; init; }

    /// <summary>
    /// The serving process's CPU from the writer's start until every event was delivered (or stopped coming), in
    /// microseconds per event delivered to one watcher; null when the server's CPU is not apart from this process's.
    /// </summary>
    public double? ServerCpuPerDelivery { get; init; }
}

/// <summary>
/// N watchers on one stream, a writer at a constant rate stamping each object with its sent time; the same code
/// measures the bare fan-out ceiling and the server's watch.
/// </summary>
internal static class FanOutMeasurement
{
    /// <summary>Events per second written, as the issue asks.</summary>
    public const double Rate = 50;

    /// <summary>Opens the watchers, writes for the profile's duration, waits for delivery, and tallies.</summary>
    /// <param name="context">The run.</param>
    /// <param name="name">The writer's name in the report.</param>
    /// <param name="http">The driver for both watchers and writer.</param>
    /// <param name="watchPath">The stream to watch.</param>
    /// <param name="watchers">How many watchers.</param>
    /// <param name="write">Writes event <c>i</c> stamped with the sent timestamp.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="accept">The watchers' Accept header (null: none, JSON).</param>
    /// <param name="serverProcessorTime">The serving process's CPU so far (null: not apart from this process's).</param>
    public static Task<FanOutResult> RunAsync(
        RunContext context, string name, HttpClient http, string watchPath, int watchers,
        Func<long, long, CancellationToken, ValueTask<StepResult>> write, CancellationToken cancellationToken, string? accept = null,
        Func<TimeSpan>? serverProcessorTime = null) =>
        RunAsync(context, name, [http], watchPath, watchers, write, cancellationToken, accept, serverProcessorTime);

    /// <summary>As above, with the watchers spread evenly over several servers (e.g. replicas on one etcd).</summary>
    public static async Task<FanOutResult> RunAsync(
        RunContext context, string name, IReadOnlyList<HttpClient> watchHttp, string watchPath, int watchers,
        Func<long, long, CancellationToken, ValueTask<StepResult>> write, CancellationToken cancellationToken, string? accept = null,
        Func<TimeSpan>? serverProcessorTime = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(watchHttp);
        var time = context.Time;
        var open = new List<EventWatcher>();
        for (var i = 0; i < watchHttp.Count; i++)
        {
            var share = (watchers / watchHttp.Count) + (i < watchers % watchHttp.Count ? 1 : 0);
            open.AddRange(share > 0 ? await EventWatcher.OpenManyAsync(watchHttp[i], watchPath, share, time, cancellationToken, accept) : []);
        }

        try
        {
            var cpuBefore = serverProcessorTime?.Invoke();
            var writer = await context.Runner.RunAsync(
                new LoadTest
                {
                    Name = name,
                    Model = LoadModel.Open(Rate),
                    Step = (step, ct) => write(time.GetTimestamp(), step.Iteration, ct),
                },
                TimeSpan.Zero, context.Profile.Duration, cancellationToken);
            var written = writer.Requests - writer.Errors;
            await EventWatcher.WaitForAllAsync(open, written, TimeSpan.FromSeconds(10), time, cancellationToken);
            var cpu = serverProcessorTime?.Invoke() - cpuBefore;
            var delivered = open.Sum(w => w.Received);
            var latency = Latency.NewHistogram();
            foreach (var watcher in open)
            {
                latency.Add(watcher.Latency);
            }

            return new FanOutResult
            {
                Watchers = watchers,
                Written = written,
                Delivered = delivered,
                OutOfOrder = open.Sum(w => w.OutOfOrder),
                ErrorEvents = open.Sum(w => w.ErrorEvents),
                EndedEarly = open.Count(w => w.EndedEarly),
                P50 = Percentile(latency, 50),
                P99 = Percentile(latency, 99),
                Max = latency.TotalCount == 0 ? 0 : latency.GetMaxValue() / 1000.0,
                Writer = writer,
                ServerCpuPerDelivery = cpu is { } used && delivered > 0 ? used.TotalMicroseconds / delivered : null,
            };
        }
        finally
        {
            foreach (var watcher in open)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    private static double Percentile(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
