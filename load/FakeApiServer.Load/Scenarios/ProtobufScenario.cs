using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Protobuf against JSON on the same objects in the same run (issue 14): GET by name with 64 users, LIST of one
/// namespace with 4 users, and watch fan-out to the profile's largest watcher count while a writer creates 50/s. Each
/// comparison runs in the order JSON, protobuf, protobuf, JSON (Accept as client-go's typed clients send it) on one
/// server, and each form's figure combines its two runs, so a load change on the machine during the run (other
/// builds share the 2 cores) weighs on both forms alike.
/// </summary>
internal sealed class ProtobufScenario : IScenario
{
    /// <summary>What client-go's typed clients send for built-in kinds.</summary>
    private const string ProtobufAccept = "application/vnd.kubernetes.protobuf, application/json";

    private const string JsonAccept = "application/json";

    /// <summary>Protobuf is to be no slower than JSON; the bound leaves 5% for run-to-run noise on a shared machine.</summary>
    private const double NoSlowerThan = 0.95;

    /// <inheritdoc/>
    public string Name => "protobuf";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        await using var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken);
        const string ns = "pb";
        var count = context.Profile.NamespaceSize;
        await server.CreateNamespaceAsync(ns, cancellationToken);
        await server.SeedAsync(0, count, i => (ResourceKind.ConfigMaps.Path(ns), ObjectBodies.ConfigMap(ns, $"cm-{i}")), cancellationToken);
        context.Progress($"protobuf: {count:N0} ConfigMaps of about 2 KiB, JSON then protobuf");

        var (getJson, getProtobuf) = await AbbaAsync(
            (form, accept) => MeasureGetsAsync(context, server, ns, count, form, accept, cancellationToken), report);
        var (listJson, listProtobuf) = await AbbaAsync(
            (form, accept) => MeasureListsAsync(context, server, ns, count, form, accept, cancellationToken), report);
        report.Add("GET response, JSON", getJson.Bytes / (double)Math.Max(1, getJson.Requests), "bytes");
        report.Add("GET response, protobuf", getProtobuf.Bytes / (double)Math.Max(1, getProtobuf.Requests), "bytes");
        report.Add("LIST response, JSON", listJson.Bytes / (double)Math.Max(1, listJson.Requests) / 1024, "KiB");
        report.Add("LIST response, protobuf", listProtobuf.Bytes / (double)Math.Max(1, listProtobuf.Requests) / 1024, "KiB");
        report.Targets.Add(TargetVerdict.Min("protobuf GET RPS >= JSON GET RPS", getProtobuf.Rps, getJson.Rps, NoSlowerThan, "req/s"));
        report.Targets.Add(TargetVerdict.Min("protobuf LIST RPS >= JSON LIST RPS", listProtobuf.Rps, listJson.Rps, NoSlowerThan, "req/s"));

        var watchers = context.Profile.FanOutWatchers.Max();
        var runs = new List<(string Form, FanOutResult Result)>();
        foreach (var (form, accept) in Order)
        {
            var result = await MeasureFanOutAsync(context, server, watchers, form, accept, runs.Count, cancellationToken);
            runs.Add((form, result));
            report.Measurements.Add(result.Writer);
            report.Add($"{watchers} watchers, {form} (run {runs.Count}): events delivered (all watchers)", result.Delivered, "events");
            report.Add($"{watchers} watchers, {form} (run {runs.Count}): p50 sent->received", result.P50, "ms");
            report.Add($"{watchers} watchers, {form} (run {runs.Count}): p99 sent->received", result.P99, "ms");
            report.Targets.Add(TargetVerdict.Max($"{watchers} watchers, {form} (run {runs.Count}): no event dropped or out of order", result.Dropped + result.OutOfOrder, 1, 0, "events"));
            report.CheckErrors += result.Dropped + result.OutOfOrder + result.EndedEarly + result.ErrorEvents;
        }

        var jsonP99 = runs.Where(r => r.Form == "JSON").Average(r => r.Result.P99);
        var protobufP99 = runs.Where(r => r.Form == "protobuf").Average(r => r.Result.P99);
        report.Add($"{watchers} watchers, JSON: p99 sent->received (mean of 2 runs)", jsonP99, "ms");
        report.Add($"{watchers} watchers, protobuf: p99 sent->received (mean of 2 runs)", protobufP99, "ms");

        // Latency at 50 events/s is a few milliseconds either way; allow the noise of one scheduler tick.
        report.Targets.Add(TargetVerdict.Max($"{watchers} watchers: protobuf p99 <= JSON p99 + 20%", protobufP99, Math.Max(jsonP99, 1), 1.2, "ms"));
        report.Notes.Add("same server, same objects; each comparison ran JSON, protobuf, protobuf, JSON and combines each form's two runs");
    }

    /// <summary>The order of the runs of each comparison.</summary>
    private static readonly (string Form, string Accept)[] Order = [("JSON", JsonAccept), ("protobuf", ProtobufAccept), ("protobuf", ProtobufAccept), ("JSON", JsonAccept)];

    /// <summary>Runs a measurement in the order JSON, protobuf, protobuf, JSON; each form's requests and time are summed over its two runs.</summary>
    private static async Task<(LoadStats Json, LoadStats Protobuf)> AbbaAsync(Func<string, string, Task<LoadStats>> measure, ScenarioReport report)
    {
        var runs = new List<(string Form, LoadStats Stats)>();
        foreach (var (form, accept) in Order)
        {
            var stats = await measure(form, accept);
            runs.Add((form, stats));
            report.Measurements.Add(stats with { Name = $"{stats.Name} (run {runs.Count})" });
        }

        return (Combine(runs.Where(r => r.Form == "JSON").Select(r => r.Stats)), Combine(runs.Where(r => r.Form == "protobuf").Select(r => r.Stats)));
    }

    /// <summary>Two runs as one: requests, errors, bytes and seconds summed (so RPS is over both), latencies the worse of the two.</summary>
    private static LoadStats Combine(IEnumerable<LoadStats> runs)
    {
        var all = runs.ToList();
        return all[0] with
        {
            Requests = all.Sum(r => r.Requests),
            Errors = all.Sum(r => r.Errors),
            Bytes = all.Sum(r => r.Bytes),
            Seconds = all.Sum(r => r.Seconds),
            P50 = all.Max(r => r.P50),
            P75 = all.Max(r => r.P75),
            P95 = all.Max(r => r.P95),
            P99 = all.Max(r => r.P99),
            Max = all.Max(r => r.Max),
        };
    }

    private static Task<LoadStats> MeasureGetsAsync(RunContext context, ServerUnderTest server, string ns, int count, string form, string accept, CancellationToken cancellationToken)
    {
        context.Progress($"protobuf: GET by name, {form}");
        var random = new Random[64];
        for (var u = 0; u < random.Length; u++)
        {
            random[u] = new Random(u);
        }

        var path = ResourceKind.ConfigMaps.Path(ns) + "/cm-";
        return context.MeasureAsync(
            new LoadTest
            {
                Name = $"GET by name, {form}, 64 users",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get(path + random[step.User].Next(count), accept), ct),
            },
            cancellationToken);
    }

    private static Task<LoadStats> MeasureListsAsync(RunContext context, ServerUnderTest server, string ns, int count, string form, string accept, CancellationToken cancellationToken)
    {
        context.Progress($"protobuf: LIST one namespace, {form}");
        return context.MeasureAsync(
            new LoadTest
            {
                Name = $"LIST {count:N0} objects, {form}, 4 users",
                Model = LoadModel.Closed(4),
                Step = (_, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get(ResourceKind.ConfigMaps.Path(ns), accept), ct),
            },
            cancellationToken);
    }

    private static async Task<FanOutResult> MeasureFanOutAsync(
        RunContext context, ServerUnderTest server, int watchers, string form, string accept, int run, CancellationToken cancellationToken)
    {
        var ns = $"fanout-{run}";
        await server.CreateNamespaceAsync(ns, cancellationToken);
        var path = ResourceKind.ConfigMaps.Path(ns);
        var rv = await server.CollectionResourceVersionAsync(path, cancellationToken);
        context.Progress($"protobuf: watch fan-out to {watchers}, {form}");
        return await FanOutMeasurement.RunAsync(
            context, $"create at 50/s with {watchers} {form} watchers", server.Http, $"{path}?watch=true&resourceVersion={rv}", watchers,
            (sent, i, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(ns, $"e-{i}", sent)), ct),
            cancellationToken, accept);
    }
}
