using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// What the metrics cost (issue 19): create and GET throughput of a server with its instruments on against one with them
/// off (FakeApiServerOptions.Metrics), both in this run and this process. Each is measured twice, in the order off, on,
/// on, off, so a change in the machine's load during the run weighs on both alike; the two runs of each are added up.
/// Each server is warmed up first with one uncounted run of each. Next to the rates, the process's CPU time per request
/// (server and client together, the same client for both settings): on a shared machine the rates follow the share of
/// the cores this process got, while the CPU a request costs does not.
/// </summary>
internal sealed class InstrumentsScenario : IScenario
{
    private const string Namespace = "instruments";

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

        var order = new[] { (off, false), (on, true), (on, true), (off, false) };
        var creates = new List<(bool Metrics, LoadStats Stats)>();
        var gets = new List<(bool Metrics, LoadStats Stats)>();
        for (var round = 0; round < order.Length; round++)
        {
            var (server, metrics) = order[round];
            creates.Add((metrics, await MeasureAsync(context, server, metrics, round, create: true, count, cancellationToken)));
            gets.Add((metrics, await MeasureAsync(context, server, metrics, round, create: false, count, cancellationToken)));
        }

        report.Measurements.AddRange(creates.Select(c => c.Stats));
        report.Measurements.AddRange(gets.Select(g => g.Stats));
        report.Targets.Add(TargetVerdict.Min("create RPS with metrics >= 95% of without", Rps(creates, true), Rps(creates, false), 0.95, "req/s"));
        report.Targets.Add(TargetVerdict.Min("GET RPS with metrics >= 95% of without", Rps(gets, true), Rps(gets, false), 0.95, "req/s"));
        report.Targets.Add(TargetVerdict.Max("create CPU per request with metrics <= 105% of without", CpuPerRequest(creates, true), CpuPerRequest(creates, false), 1.05, "ms"));
        report.Targets.Add(TargetVerdict.Max("GET CPU per request with metrics <= 105% of without", CpuPerRequest(gets, true), CpuPerRequest(gets, false), 1.05, "ms"));
        report.Notes.Add("both servers run in this process, on the same machine, one after the other (off, on, on, off)");
        report.Notes.Add("CPU per request is this process's (servers and client together; the client's share is the same for both settings)");
    }

    /// <summary>The requests of both runs of one setting over their seconds.</summary>
    private static double Rps(List<(bool Metrics, LoadStats Stats)> runs, bool metrics)
    {
        var chosen = runs.Where(r => r.Metrics == metrics).Select(r => r.Stats).ToList();
        return chosen.Sum(s => s.Requests) / chosen.Sum(s => s.Seconds);
    }

    /// <summary>The process CPU milliseconds of both runs of one setting over their requests.</summary>
    private static double CpuPerRequest(List<(bool Metrics, LoadStats Stats)> runs, bool metrics)
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
        var setting = (metrics ? "metrics on" : "metrics off") + (round < 0 ? ", warm-up" : $" (run {round + 1})");
        var name = create ? $"create (POST), 64 users, {setting}" : $"GET by name among {count:N0}, 64 users, {setting}";
        context.Progress("instruments: " + name);
        var path = ResourceKind.ConfigMaps.Path(Namespace);
        var random = Enumerable.Range(0, 64).Select(u => new Random(u)).ToArray();
        return context.MeasureAsync(
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
            cancellationToken);
    }
}
