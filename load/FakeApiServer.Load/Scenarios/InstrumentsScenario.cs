using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// What the metrics cost (issue 19): create and GET throughput of a server with its instruments on against one with them
/// off (FakeApiServerOptions.Metrics), both in this run and this process, in blocks of off, on, on, off (each run a fifth
/// of the profile's duration), so a change in the machine's load or a collection of the heap weighs on both alike; the
/// target is the median of the blocks' ratios. Each server is warmed up first with one uncounted run of the profile's
/// length of each. Next to the rates, the process's CPU time per request
/// (server and client together, the same client for both settings): on a shared machine the rates follow the share of
/// the cores this process got, while the CPU a request costs does not.
/// </summary>
internal sealed class InstrumentsScenario : IScenario
{
    private const string Namespace = "instruments";

    /// <summary>The blocks of off, on, on, off measurements.</summary>
    private const int Blocks = 5;

    /// <inheritdoc/>
    public string Name => "instruments";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        await using var on = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken, metrics: true);
        await using var off = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken, metrics: false);
        var count = context.Profile.SmallCount;
        var path = ResourceKind.ConfigMaps.Path(Namespace);
        foreach (var server in (ServerUnderTest[])[on, off])
        {
            await server.CreateNamespaceAsync(Namespace, cancellationToken);
            await server.SeedAsync(0, count, i => (path, ObjectBodies.ConfigMap(Namespace, "seed-" + i)), cancellationToken);
        }

        // A warm-up of each server, not counted: the first runs in a process pay for JIT tiering and the pools' growth,
        // which would otherwise weigh on whichever setting runs first.
        foreach (var (server, metrics) in new[] { (off, false), (on, true) })
        {
            await MeasureAsync(context, server, metrics, round: -1, create: true, count, cancellationToken);
            await MeasureAsync(context, server, metrics, round: -1, create: false, count, cancellationToken);
        }

        // Blocks of off, on, on, off, each measurement a fifth of the profile's duration: the settings alternate every few
        // seconds, so a garbage collection of the growing heap or a burst of other work on the machine weighs on both,
        // and the median of the blocks' ratios leaves out the block such an event fell in.
        var order = new[] { (off, false), (on, true), (on, true), (off, false) };
        var creates = new List<(int Block, bool Metrics, LoadStats Stats)>();
        var gets = new List<(int Block, bool Metrics, LoadStats Stats)>();
        for (var block = 0; block < Blocks; block++)
        {
            for (var round = 0; round < order.Length; round++)
            {
                var (server, metrics) = order[round];
                var run = block * order.Length + round;
                creates.Add((block, metrics, await MeasureAsync(context, server, metrics, run, create: true, count, cancellationToken)));
                gets.Add((block, metrics, await MeasureAsync(context, server, metrics, run, create: false, count, cancellationToken)));
            }
        }

        report.Measurements.AddRange(creates.Select(c => c.Stats));
        report.Measurements.AddRange(gets.Select(g => g.Stats));
        report.Add("create RPS with metrics / without, all blocks together", Rps(creates, true) / Rps(creates, false), "x");
        report.Add("GET RPS with metrics / without, all blocks together", Rps(gets, true) / Rps(gets, false), "x");
        report.Targets.Add(TargetVerdict.Min($"create RPS with metrics >= 95% of without (median of {Blocks} blocks)", MedianRatio(creates, Rps), 1, 0.95, "x"));
        report.Targets.Add(TargetVerdict.Min($"GET RPS with metrics >= 95% of without (median of {Blocks} blocks)", MedianRatio(gets, Rps), 1, 0.95, "x"));
        report.Targets.Add(TargetVerdict.Max($"create CPU per request with metrics <= 105% of without (median of {Blocks} blocks)", MedianRatio(creates, CpuPerRequest), 1, 1.05, "x"));
        report.Targets.Add(TargetVerdict.Max($"GET CPU per request with metrics <= 105% of without (median of {Blocks} blocks)", MedianRatio(gets, CpuPerRequest), 1, 1.05, "x"));
        report.Notes.Add($"both servers run in this process, on the same machine, alternating in {Blocks} blocks of off, on, on, off");
        report.Notes.Add("CPU per request is this process's (servers and client together; the client's share is the same for both settings)");
    }

    /// <summary>The median over the blocks of one block's figure with metrics over its figure without.</summary>
    private static double MedianRatio(List<(int Block, bool Metrics, LoadStats Stats)> runs, Func<List<(int Block, bool Metrics, LoadStats Stats)>, bool, double> figure)
    {
        var ratios = runs.GroupBy(r => r.Block).Select(b => b.ToList()).Select(b => figure(b, true) / figure(b, false)).Order().ToList();
        return ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
    }

    /// <summary>The requests of the runs of one setting over their seconds.</summary>
    private static double Rps(List<(int Block, bool Metrics, LoadStats Stats)> runs, bool metrics)
    {
        var chosen = runs.Where(r => r.Metrics == metrics).Select(r => r.Stats).ToList();
        return chosen.Sum(s => s.Requests) / chosen.Sum(s => s.Seconds);
    }

    /// <summary>The process CPU milliseconds of the runs of one setting over their requests.</summary>
    private static double CpuPerRequest(List<(int Block, bool Metrics, LoadStats Stats)> runs, bool metrics)
    {
        var chosen = runs.Where(r => r.Metrics == metrics).Select(r => r.Stats).ToList();
        return chosen.Sum(s => s.Cpu?.ServerMs ?? double.NaN) / chosen.Sum(s => s.Requests);
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static Task<LoadStats> MeasureAsync(
        RunContext context, ServerUnderTest server, bool metrics, int round, bool create, int count, CancellationToken cancellationToken)
    {
        var setting = (metrics ? "metrics on" : "metrics off") + (round < 0 ? ", warm-up" : $" (block {(round / 4) + 1}, run {round + 1})");
        var name = create ? $"create (POST), 64 users, {setting}" : $"GET by name among {count:N0}, 64 users, {setting}";
        context.Progress("instruments: " + name);
        var path = ResourceKind.ConfigMaps.Path(Namespace);
        var random = Enumerable.Range(0, 64).Select(u => new Random(u)).ToArray();
        var (warmUp, duration) = round < 0 ? (context.Profile.WarmUp, context.Profile.Duration) : (context.Profile.WarmUp / 4, context.Profile.Duration / Blocks);
        return context.Runner.RunAsync(
            new LoadTest
            {
                Name = name,
                Model = LoadModel.Closed(64),
                Step = create
                    ? (step, ct) => HttpDriver.SendAsync(
                        server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Namespace, $"r{round}-{step.User}-{step.Iteration}")), ct)
                    : (step, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get(path + "/seed-" + random[step.User].Next(count)), ct),
                ServerProcessorTime = ProcessorTime,
            },
            warmUp,
            duration,
            cancellationToken);
    }
}
