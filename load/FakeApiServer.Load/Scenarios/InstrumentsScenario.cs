using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// What the metrics cost (issue 19): create and GET throughput, and the server's CPU per request, of servers with their
/// instruments on against servers with them off (FakeApiServerOptions.Metrics). Two server instances of the same
/// build and setting differ by several per cent in GET throughput (an A/A pair in one process measured 0.92 and 1.04),
/// which is more than the cost to be shown; so each setting runs as <see cref="ServersPerSetting"/> servers, each in a
/// process of its own (<see cref="ServerHostProcess"/>), started in the order off, on, on, off, off, on. After one
/// uncounted warm-up of each, every server is measured in each of <see cref="Blocks"/> blocks (in that order, then
/// reversed, alternately), for a fifth of the profile's duration; a block's ratio is the rate of its "on" servers
/// together over that of its "off" servers, and the target is the median of the blocks' ratios. The CPU per request is
/// the server processes' own (read from /proc through Process), so it does not depend on the share of the cores the
/// client got.
/// </summary>
internal sealed class InstrumentsScenario : IScenario
{
    private const string Namespace = "instruments";

    /// <summary>The server processes of each setting.</summary>
    private const int ServersPerSetting = 3;

    /// <summary>The blocks in which every server is measured once.</summary>
    private const int Blocks = 5;

    /// <inheritdoc/>
    public string Name => "instruments";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var servers = new List<(ServerUnderTest Server, bool Metrics, int Instance)>();
        try
        {
            // Started alternately, so neither setting gets all the first (or last) processes the machine started.
            for (var i = 0; i < 2 * ServersPerSetting; i++)
            {
                var metrics = (i % 4) is 1 or 2;
                context.Progress($"instruments: starting server {i + 1} of {2 * ServersPerSetting} ({Setting(metrics)})");
                servers.Add((await ServerUnderTest.StartHostProcessAsync(context.WorkDir, metrics, cancellationToken), metrics, servers.Count(s => s.Metrics == metrics) + 1));
            }

            var count = context.Profile.SmallCount;
            var path = ResourceKind.ConfigMaps.Path(Namespace);
            foreach (var (server, _, _) in servers)
            {
                await server.CreateNamespaceAsync(Namespace, cancellationToken);
                await server.SeedAsync(0, count, i => (path, ObjectBodies.ConfigMap(Namespace, "seed-" + i)), cancellationToken);
            }

            // A warm-up of each server, not counted: the first runs of a process pay for JIT tiering and the pools' growth.
            foreach (var server in servers)
            {
                await MeasureAsync(context, server, block: -1, create: true, count, cancellationToken);
                await MeasureAsync(context, server, block: -1, create: false, count, cancellationToken);
            }

            var creates = new List<Run>();
            var gets = new List<Run>();
            for (var block = 0; block < Blocks; block++)
            {
                var order = block % 2 == 0 ? servers : Enumerable.Reverse(servers).ToList();
                foreach (var server in order)
                {
                    creates.Add(new Run(block, server.Metrics, server.Instance, await MeasureAsync(context, server, block, create: true, count, cancellationToken)));
                    gets.Add(new Run(block, server.Metrics, server.Instance, await MeasureAsync(context, server, block, create: false, count, cancellationToken)));
                }
            }

            report.Measurements.AddRange(creates.Select(c => c.Stats));
            report.Measurements.AddRange(gets.Select(g => g.Stats));
            foreach (var (verb, runs) in new[] { ("create", creates), ("GET", gets) })
            {
                report.Add($"{verb} RPS with metrics / without, all blocks together", Rps(runs, true) / Rps(runs, false), "x");
                report.Add($"{verb} server CPU per request with metrics / without, all blocks together", CpuPerRequest(runs, true) / CpuPerRequest(runs, false), "x");
                foreach (var metrics in new[] { false, true })
                {
                    var instances = runs.Where(r => r.Metrics == metrics).GroupBy(r => r.Instance).Select(i => Rps([.. i], metrics)).ToList();
                    report.Add($"{verb} RPS of the slowest {Setting(metrics)} server / the fastest (how much instances of one setting differ)", instances.Min() / instances.Max(), "x");
                }
            }

            report.Targets.Add(TargetVerdict.Min($"create RPS with metrics >= 95% of without (median of {Blocks} blocks)", MedianRatio(creates, Rps), 1, 0.95, "x"));
            report.Targets.Add(TargetVerdict.Min($"GET RPS with metrics >= 95% of without (median of {Blocks} blocks)", MedianRatio(gets, Rps), 1, 0.95, "x"));
            // Issue 19 asks for the throughput; what the instruments cost the server's own CPU is reported beside it.
            report.Add($"create server CPU per request with metrics / without (median of {Blocks} blocks)", MedianRatio(creates, CpuPerRequest), "x");
            report.Add($"GET server CPU per request with metrics / without (median of {Blocks} blocks)", MedianRatio(gets, CpuPerRequest), "x");
            report.Notes.Add($"{ServersPerSetting} server processes of each setting, started off, on, on, off, off, on; each measured once per block, in that order and reversed alternately");
            report.Notes.Add("server CPU per request is the server processes' own; the client is this process");
        }
        finally
        {
            foreach (var (server, _, _) in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static string Setting(bool metrics) => metrics ? "metrics on" : "metrics off";

    /// <summary>The median over the blocks of one block's figure with metrics over its figure without.</summary>
    private static double MedianRatio(List<Run> runs, Func<List<Run>, bool, double> figure)
    {
        var ratios = runs.GroupBy(r => r.Block).Select(b => b.ToList()).Select(b => figure(b, true) / figure(b, false)).Order().ToList();
        return ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
    }

    /// <summary>The requests of the runs of one setting over their seconds.</summary>
    private static double Rps(List<Run> runs, bool metrics)
    {
        var chosen = runs.Where(r => r.Metrics == metrics).Select(r => r.Stats).ToList();
        return chosen.Sum(s => s.Requests) / chosen.Sum(s => s.Seconds);
    }

    /// <summary>The server processes' CPU milliseconds in the runs of one setting over their requests.</summary>
    private static double CpuPerRequest(List<Run> runs, bool metrics)
    {
        var chosen = runs.Where(r => r.Metrics == metrics).Select(r => r.Stats).ToList();
        return chosen.Sum(s => s.Cpu?.ServerMs ?? double.NaN) / chosen.Sum(s => s.Requests);
    }

    private static Task<LoadStats> MeasureAsync(
        RunContext context, (ServerUnderTest Server, bool Metrics, int Instance) target, int block, bool create, int count, CancellationToken cancellationToken)
    {
        var setting = $"{Setting(target.Metrics)} #{target.Instance}" + (block < 0 ? ", warm-up" : $", block {block + 1}");
        var name = create ? $"create (POST), 64 users, {setting}" : $"GET by name among {count:N0}, 64 users, {setting}";
        context.Progress("instruments: " + name);
        var path = ResourceKind.ConfigMaps.Path(Namespace);
        var random = Enumerable.Range(0, 64).Select(u => new Random(u)).ToArray();
        var (warmUp, duration) = block < 0 ? (context.Profile.WarmUp / 4, context.Profile.Duration / 2) : (context.Profile.WarmUp / 4, context.Profile.Duration / 5);
        var http = target.Server.Http;
        return context.Runner.RunAsync(
            new LoadTest
            {
                Name = name,
                Model = LoadModel.Closed(64),
                Step = create
                    ? (step, ct) => HttpDriver.SendAsync(
                        http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Namespace, $"b{block}-{step.User}-{step.Iteration}")), ct)
                    : (step, ct) => HttpDriver.SendAsync(http, HttpDriver.Get(path + "/seed-" + random[step.User].Next(count)), ct),
                ServerProcessorTime = target.Server.ProcessorTime,
            },
            warmUp,
            duration,
            cancellationToken);
    }

    /// <summary>One measurement of one server in one block (-1: the warm-up).</summary>
    private sealed record Run(int Block, bool Metrics, int Instance, LoadStats Stats);
}
