using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Protobuf against JSON on the same objects in the same run (issue 14): GET by name with 64 users, LIST of one
/// namespace with 4 users, and watch fan-out to the profile's largest watcher count while a writer creates 50/s. Each
/// pair is measured JSON first, then protobuf (Accept as client-go's typed clients send it), on one server.
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

        var getJson = await MeasureGetsAsync(context, server, ns, count, "JSON", JsonAccept, cancellationToken);
        var getProtobuf = await MeasureGetsAsync(context, server, ns, count, "protobuf", ProtobufAccept, cancellationToken);
        var listJson = await MeasureListsAsync(context, server, ns, count, "JSON", JsonAccept, cancellationToken);
        var listProtobuf = await MeasureListsAsync(context, server, ns, count, "protobuf", ProtobufAccept, cancellationToken);
        report.Measurements.AddRange([getJson, getProtobuf, listJson, listProtobuf]);
        report.Add("GET response, JSON", getJson.Bytes / (double)Math.Max(1, getJson.Requests), "bytes");
        report.Add("GET response, protobuf", getProtobuf.Bytes / (double)Math.Max(1, getProtobuf.Requests), "bytes");
        report.Add("LIST response, JSON", listJson.Bytes / (double)Math.Max(1, listJson.Requests) / 1024, "KiB");
        report.Add("LIST response, protobuf", listProtobuf.Bytes / (double)Math.Max(1, listProtobuf.Requests) / 1024, "KiB");
        report.Targets.Add(TargetVerdict.Min("protobuf GET RPS >= JSON GET RPS", getProtobuf.Rps, getJson.Rps, NoSlowerThan, "req/s"));
        report.Targets.Add(TargetVerdict.Min("protobuf LIST RPS >= JSON LIST RPS", listProtobuf.Rps, listJson.Rps, NoSlowerThan, "req/s"));

        var watchers = context.Profile.FanOutWatchers.Max();
        var watchJson = await MeasureFanOutAsync(context, server, watchers, "JSON", JsonAccept, cancellationToken);
        var watchProtobuf = await MeasureFanOutAsync(context, server, watchers, "protobuf", ProtobufAccept, cancellationToken);
        foreach (var (name, result) in new[] { ("JSON", watchJson), ("protobuf", watchProtobuf) })
        {
            report.Measurements.Add(result.Writer);
            report.Add($"{watchers} watchers, {name}: events delivered (all watchers)", result.Delivered, "events");
            report.Add($"{watchers} watchers, {name}: p50 sent->received", result.P50, "ms");
            report.Add($"{watchers} watchers, {name}: p99 sent->received", result.P99, "ms");
            report.Targets.Add(TargetVerdict.Max($"{watchers} watchers, {name}: no event dropped or out of order", result.Dropped + result.OutOfOrder, 1, 0, "events"));
            report.CheckErrors += result.Dropped + result.OutOfOrder + result.EndedEarly + result.ErrorEvents;
        }

        // Latency at 50 events/s is a few milliseconds either way; allow the noise of one scheduler tick.
        report.Targets.Add(TargetVerdict.Max($"{watchers} watchers: protobuf p99 <= JSON p99 + 20%", watchProtobuf.P99, Math.Max(watchJson.P99, 1), 1.2, "ms"));
        report.Notes.Add("same server, same objects; each pair measured JSON first, then protobuf");
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

    private static async Task<FanOutResult> MeasureFanOutAsync(RunContext context, ServerUnderTest server, int watchers, string form, string accept, CancellationToken cancellationToken)
    {
        var ns = "fanout-" + form.ToLowerInvariant();
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
