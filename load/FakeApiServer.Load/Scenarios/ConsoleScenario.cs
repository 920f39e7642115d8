using System.Text;
using FakeApiServer.Controllers;
using FakeApiServer.Hosting;
using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// What the web console (docs/console.md) costs when nobody has it open, measured in one run side by side: process
/// start to first answer with --console=false and with the default (console on), alternating; and GETs of one object
/// on two servers in this process, console off and console on, in alternating rounds, then on the console server with
/// a page's traffic stream connected (what an open console costs, for comparison).
/// </summary>
internal sealed class ConsoleScenario : IScenario
{
    /// <summary>Alternating rounds per server, so that the machine's other load falls on both alike.</summary>
    private const int Rounds = 6;

    /// <summary>Noise on a shared machine is larger than the difference sought: the bound only catches a real cost.</summary>
    private const double Bound = 1.25;

    private const string ProbePath = "api/v1/namespaces/default/configmaps/console-probe";

    /// <inheritdoc/>
    public string Name => "console";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        // --smoke (the harness's own test, under a time limit) skips the process starts: it checks the scenario runs.
        if (context.Profile.Name != "smoke")
        {
            await MeasureStartAsync(context, report, cancellationToken);
        }

        await MeasureGetsAsync(context, report, cancellationToken);
        report.Notes.Add("console: one machine shared with other work; the rounds alternate so its load falls on both servers alike, and the bound (1.25x) only catches a real cost.");
    }

    private static async Task MeasureStartAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        context.Progress("console: process start, --console=false and on");
        var dll = ServerBinary.Locate();
        var startsOff = new List<double>();
        var startsOn = new List<double>();
        for (var i = 0; i < Math.Max(5, context.Profile.ProcessStarts); i++)
        {
            startsOff.Add(await ColdStartCeiling.TimeToFirstAnswerAsync(context.Time, dll, ["--in-memory", "--port", "0", "--console=false"], "version", cancellationToken));
            startsOn.Add(await ColdStartCeiling.TimeToFirstAnswerAsync(context.Time, dll, ["--in-memory", "--port", "0"], "version", cancellationToken));
        }

        var startOff = ColdStartCeiling.Median(startsOff);
        var startOn = ColdStartCeiling.Median(startsOn);
        report.Add("process start to first answer, --console=false (median)", startOff, "ms");
        report.Add("process start to first answer, console on (median)", startOn, "ms");
        report.Targets.Add(TargetVerdict.Max("console on adds nothing to start-up (within noise)", startOn, startOff, Bound, "ms"));
        report.OtherRequests += startsOff.Count + startsOn.Count;
    }

    private static async Task MeasureGetsAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {

        context.Progress("console: GETs with the console off, on (nobody connected), on (a page connected)");
        await using var off = await StartAsync(console: false, cancellationToken);
        await using var on = await StartAsync(console: true, cancellationToken);
        using var offClient = new HttpClient { BaseAddress = off.BaseAddress };
        using var onClient = new HttpClient { BaseAddress = on.BaseAddress };
        await CreateProbeAsync(offClient, cancellationToken);
        await CreateProbeAsync(onClient, cancellationToken);
        var round = context.Profile.Duration / Rounds;
        var offLatencies = new List<double>();
        var onLatencies = new List<double>();
        await GetForAsync(context, offClient, context.Profile.WarmUp, [], cancellationToken);
        await GetForAsync(context, onClient, context.Profile.WarmUp, [], cancellationToken);
        for (var i = 0; i < Rounds; i++)
        {
            await GetForAsync(context, offClient, round, offLatencies, cancellationToken);
            await GetForAsync(context, onClient, round, onLatencies, cancellationToken);
        }

        var openLatencies = new List<double>();
        using (var page = new HttpClient { BaseAddress = on.BaseAddress, Timeout = Timeout.InfiniteTimeSpan })
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var reading = ReadTrafficAsync(page, stop.Token);
            await GetForAsync(context, onClient, context.Profile.Duration / 2, openLatencies, cancellationToken);
            await stop.CancelAsync();
            await reading;
        }

        Report(report, "console off", offLatencies);
        Report(report, "console on, nobody connected", onLatencies);
        Report(report, "console on, a page connected", openLatencies);
        report.Targets.Add(TargetVerdict.Max("console on, nobody connected: GET p50 within noise of console off", Percentile(onLatencies, 0.5), Percentile(offLatencies, 0.5), Bound, "ms"));
        report.OtherRequests += offLatencies.Count + onLatencies.Count + openLatencies.Count;
    }

    private static Task<FakeApiServerHost> StartAsync(bool console, CancellationToken cancellationToken) =>
        FakeApiServerHost.StartAsync(new FakeApiServerOptions
        {
            Port = 0,
            InMemory = true,
            Console = console,
            Controllers = ControllerSelection.Parse("namespace"),
            LogLevel = LogLevel.Warning,
        }, handleSignals: false, timeProvider: null, cancellationToken);

    private static async Task CreateProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var body = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"console-probe"},"data":{"k":"v"}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sequential GETs of the probe for <paramref name="length"/>, each latency in ms added to <paramref name="latencies"/>.</summary>
    private static async Task GetForAsync(RunContext context, HttpClient http, TimeSpan length, List<double> latencies, CancellationToken cancellationToken)
    {
        var start = context.Time.GetTimestamp();
        while (context.Time.GetElapsedTime(start) < length)
        {
            var sent = context.Time.GetTimestamp();
            using var response = await http.GetAsync(ProbePath, HttpCompletionOption.ResponseContentRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            latencies.Add(context.Time.GetElapsedTime(sent).TotalMilliseconds);
        }
    }

    /// <summary>What an open console page does: reads the traffic stream until told to stop.</summary>
    private static async Task ReadTrafficAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var stream = await http.GetStreamAsync("console/api/requests", cancellationToken);
                var buffer = new byte[16 * 1024];
                while (await stream.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static void Report(ScenarioReport report, string name, List<double> latencies)
    {
        report.Add($"GET p50, {name}", Percentile(latencies, 0.5), "ms");
        report.Add($"GET p99, {name}", Percentile(latencies, 0.99), "ms");
        report.Add($"GETs, {name}", latencies.Count, "requests");
    }

    private static double Percentile(List<double> values, double quantile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
    }
}
