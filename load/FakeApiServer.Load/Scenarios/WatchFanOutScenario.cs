using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Watch fan-out: 1, 100, 1,000 and 10,000 watchers of one namespace while a writer creates 50 ConfigMaps/s, each
/// stamped with the time taken before its request; every event must arrive, in order, and the p99 from that stamp to
/// reception must stay within the durable fan-out ceiling's at the same watcher count up to 1,000 watchers, and within
/// 1.5x of it beyond. The p99s are also a curve over the watcher counts. Server and ceiling each run in their own
/// process, so the watchers' buffers and collections here are not theirs.
/// </summary>
internal sealed class WatchFanOutScenario : IScenario
{
    private const int ManyWatchers = 1_000;

    /// <inheritdoc/>
    public string Name => "watch-fanout";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        // One descriptor per watch here (server and ceiling run in their own processes), plus the writer's and the runtime's.
        if (await FileDescriptorLimit.EnsureAtLeastAsync(context.Profile.FanOutWatchers.Max() + 4096, cancellationToken) is { } limitNote)
        {
            report.Notes.Add(limitNote);
        }

        var server99 = new List<CurvePoint>();
        var ceiling99 = new List<CurvePoint>();
        foreach (var watchers in context.Profile.FanOutWatchers)
        {
            var ceiling = await context.Ceilings.FanOutAsync(watchers, cancellationToken);
            await using var server = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken);
            var ns = "fanout";
            await server.CreateNamespaceAsync(ns, cancellationToken);
            var path = ResourceKind.ConfigMaps.Path(ns);
            var rv = await server.CollectionResourceVersionAsync(path, cancellationToken);
            context.Progress($"watch-fanout: {watchers} watchers at {FanOutMeasurement.Rate}/s");
            var result = await FanOutMeasurement.RunAsync(
                context, $"create at 50/s with {watchers} watchers", server.Http, $"{path}?watch=true&resourceVersion={rv}", watchers,
                (sent, i, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(ns, $"e-{i}", sent)), ct),
                cancellationToken, serverProcessorTime: server.ProcessorTime);
            report.Measurements.Add(result.Writer);
            report.Add($"{watchers} watchers: events written", result.Written, "events");
            report.Add($"{watchers} watchers: events delivered (all watchers)", result.Delivered, "events");
            report.Add($"{watchers} watchers: dropped", result.Dropped, "events");
            report.Add($"{watchers} watchers: out of order", result.OutOfOrder, "events");
            report.Add($"{watchers} watchers: watches closed early / ERROR events", result.EndedEarly + result.ErrorEvents, "watches");
            report.Add($"{watchers} watchers: p50 sent->received", result.P50, "ms");
            report.Add($"{watchers} watchers: p99 sent->received", result.P99, "ms");
            report.Add($"{watchers} watchers: max sent->received", result.Max, "ms");
            if (result.ServerCpuPerDelivery is { } cpu)
            {
                report.Add($"{watchers} watchers: server CPU per event delivered", cpu, "us");
                if (ceiling.ServerCpuPerDelivery is { } ceilingCpu)
                {
                    report.Add($"{watchers} watchers: server CPU per event delivered / the ceiling's", cpu / ceilingCpu, "x");
                }
            }
            report.Targets.Add(TargetVerdict.Max($"{watchers} watchers: no event dropped or out of order", result.Dropped + result.OutOfOrder, 1, 0, "events"));
            var factor = watchers <= ManyWatchers ? 1 : 1.5;
            report.Targets.Add(TargetVerdict.Max($"{watchers} watchers: p99 sent->received <= {factor}x the durable fan-out ceiling", result.P99, ceiling.P99, factor, "ms"));
            report.CheckErrors += result.Dropped + result.OutOfOrder + result.EndedEarly + result.ErrorEvents;
            server99.Add(new CurvePoint(watchers, result.P99));
            ceiling99.Add(new CurvePoint(watchers, ceiling.P99));
        }

        report.Curves.Add(new Curve(
            "Watch fan-out p99 by watchers", "watchers", "ms sent to received (p99)",
            [new CurveSeries("FakeApiServer watch", server99), new CurveSeries("ceiling: durable bare fan-out", ceiling99)]));
    }
}
