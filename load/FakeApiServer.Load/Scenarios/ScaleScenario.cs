using FakeApiServer.Load.Harness;
using FakeApiServer.Storage;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// How cost grows with the stored objects (10k, 100k, 1M in full), the server in its own process: for each size the
/// store is written directly on disk (<see cref="StoreSeeder"/>), then the server is restarted on it, timed from process
/// start to its first answer against the ceiling of reading the same rows with one sequential SELECT; then GET by name
/// (64 users) and LIST of one namespace (4 users) rates, and the server's resident memory per object against the
/// objects' serialized size. Each figure is a curve over the sizes.
/// </summary>
internal sealed class ScaleScenario : IScenario
{
    private const int GetUsers = 64;
    private const int ListUsers = 4;

    /// <inheritdoc/>
    public string Name => "scale";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var points = new List<ScalePoint>();
        foreach (var count in context.Profile.ScaleCounts)
        {
            points.Add(await MeasureAsync(context, report, count, cancellationToken));
        }

        CurveSeries Series(string label, Func<ScalePoint, double> y) => new(label, points.Select(p => new CurvePoint(p.Objects, y(p))).ToList());
        report.Curves.Add(new Curve("GET and LIST rate by stored objects", "stored objects", "requests/s",
            [Series($"GET by name, {GetUsers} users", p => p.Get.Rps), Series($"LIST one namespace, {ListUsers} users", p => p.List.Rps)]));
        report.Curves.Add(new Curve("GET and LIST p99 by stored objects", "stored objects", "ms",
            [Series("GET p99", p => p.Get.P99), Series("LIST p99", p => p.List.P99)]));
        report.Curves.Add(new Curve("Resident memory per object", "stored objects", "bytes per object",
            [Series("server resident set", p => p.ResidentPerObject), Series("serialized object", p => p.SerializedPerObject)]));
        report.Curves.Add(new Curve("Restart time by stored objects", "stored objects", "ms",
            [Series("process start to first answer", p => p.RestartMs), Series("ceiling: one sequential SELECT", p => p.SelectMs)]));

        var (small, large) = (points[0], points[^1]);
        report.Targets.Add(TargetVerdict.Min($"GET rate at {large.Objects:N0} >= 0.9x the rate at {small.Objects:N0}", large.Get.Rps, small.Get.Rps, 0.9, "req/s"));
        report.Targets.Add(TargetVerdict.Min($"LIST-of-a-namespace rate at {large.Objects:N0} >= 0.9x the rate at {small.Objects:N0}", large.List.Rps, small.List.Rps, 0.9, "req/s"));
        report.Targets.Add(TargetVerdict.Max($"resident memory per object at {large.Objects:N0} <= 1.15x the serialized size", large.ResidentPerObject, large.SerializedPerObject, 1.15, "B"));
        report.Targets.Add(TargetVerdict.Max($"restart with {large.Objects:N0} objects <= 3x one sequential SELECT of the rows", large.RestartMs, large.SelectMs, 3, "ms"));
        report.Notes.Add("resident memory: the server process's resident set just after its first answer on the seeded store, minus the same program's at the same moment of a restart on the store without the seeded objects, per object; the collector's own slack is included (no forced collection in the child)");
        report.Notes.Add("GET and LIST at each size start once the restarted server is idle (under 10% of a core over 250 ms, at most 60 s): the rates are a lookup at that size, not a race with the restart's background work; the wait and its server CPU are reported per size");
        report.Notes.Add("the store is written directly in the server's format (a template row the server wrote, copied with name, namespace, uid and resourceVersion replaced); the restart is the real program on that folder");
    }

    private static async Task<ScalePoint> MeasureAsync(RunContext context, ScenarioReport report, int count, CancellationToken cancellationToken)
    {
        var namespaceSize = Math.Min(context.Profile.NamespaceSize, count);
        var namespaces = (count + namespaceSize - 1) / namespaceSize;
        var dataDir = Path.Combine(context.WorkDir, $"scale-{count}");
        var database = Path.Combine(dataDir, StoreOptions.DatabaseFileName);
        try
        {
            // The server writes its own start-up objects, the namespaces and one template ConfigMap; then it is stopped.
            var templateNamespace = StoreSeeder.Namespace(0, namespaceSize);
            var templatePath = $"{ResourceKind.ConfigMaps.Path(templateNamespace)}/{StoreSeeder.TemplateName}";
            await using (var empty = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken, dataDir))
            {
                context.Progress($"scale {count:N0}: {namespaces:N0} namespaces and the template");
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, namespaces),
                    new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                    async (n, ct) => await empty.CreateNamespaceAsync(StoreSeeder.Namespace(n * namespaceSize, namespaceSize), ct));
                var template = await HttpDriver.SendAsync(
                    empty.Http,
                    HttpDriver.WithBody(HttpMethod.Post, ResourceKind.ConfigMaps.Path(templateNamespace), ObjectBodies.ConfigMap(templateNamespace, StoreSeeder.TemplateName)),
                    cancellationToken);
                if (!template.Ok)
                {
                    throw new InvalidOperationException($"creating the template ConfigMap answered {template.StatusCode}");
                }

                report.OtherRequests += namespaces + 1;
            }

            // The baseline: the same restart on the store without the seeded objects, its resident set read at the same moment.
            var (baseline, emptyRestartMs) = await RestartAsync(context, report, dataDir, templatePath, cancellationToken);
            long emptyResident;
            await using (baseline)
            {
                emptyResident = baseline.ResidentBytes;
            }

            context.Progress($"scale {count:N0}: writing the store");
            var seedStart = context.Time.GetTimestamp();
            var serialized = StoreSeeder.Seed(database, templateNamespace, count, namespaceSize);
            var seedMs = context.Time.GetElapsedTime(seedStart).TotalMilliseconds;

            var selectStart = context.Time.GetTimestamp();
            var rows = StoreSeeder.ReadAllRows(database);
            var selectMs = context.Time.GetElapsedTime(selectStart).TotalMilliseconds;

            context.Progress($"scale {count:N0}: restart");
            var (server, restartMs) = await RestartAsync(context, report, dataDir, ObjectPath(count - 1, namespaceSize), cancellationToken);
            await using var stopServer = server;
            var resident = server.ResidentBytes;

            // The rates are a lookup at this size, not a race with the restart's own background work (the garbage
            // collector controller reads every object once to build its graph: ~0.8 s of CPU at 1M), so they are taken
            // once the server is idle; how long that took and what it cost is reported beside them.
            context.Progress($"scale {count:N0}: waiting for the restarted server to go idle");
            var (settleMs, settleCpuMs) = await WaitForIdleAsync(context, server, cancellationToken);

            context.Progress($"scale {count:N0}: GET by name");
            var get = await context.MeasureAsync(
                new LoadTest
                {
                    Name = $"GET by name, {count:N0} objects, {GetUsers} users",
                    Model = LoadModel.Closed(GetUsers),
                    Step = (_, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get(ObjectPath(Random.Shared.Next(count), namespaceSize)), ct),
                    ServerProcessorTime = server.ProcessorTime,
                },
                cancellationToken);
            context.Progress($"scale {count:N0}: LIST one namespace");
            var list = await context.MeasureAsync(
                new LoadTest
                {
                    Name = $"LIST one namespace ({namespaceSize:N0} of {count:N0}), {ListUsers} users",
                    Model = LoadModel.Closed(ListUsers),
                    Step = (_, ct) => HttpDriver.SendAsync(
                        server.Http, HttpDriver.Get(ResourceKind.ConfigMaps.Path(StoreSeeder.Namespace(Random.Shared.Next(namespaces) * namespaceSize, namespaceSize))), ct),
                    ServerProcessorTime = server.ProcessorTime,
                },
                cancellationToken);
            report.Measurements.Add(get);
            report.Measurements.Add(list);
            var point = new ScalePoint(count, get, list, restartMs, selectMs, (double)(resident - emptyResident) / count, (double)serialized / count);
            report.Add($"{count:N0}: store written directly", seedMs, "ms");
            report.Add($"{count:N0}: rows read by one sequential SELECT", rows, "rows");
            report.Add($"{count:N0}: sequential SELECT of every row", selectMs, "ms");
            report.Add($"{count:N0}: restart, process start to first answer", restartMs, "ms");
            report.Add($"{count:N0}: restart without the seeded objects (baseline)", emptyRestartMs, "ms");
            report.Add($"{count:N0}: first answer to idle (server CPU < 10% of a core over 250 ms)", settleMs, "ms");
            report.Add($"{count:N0}: server CPU from first answer to idle", settleCpuMs, "ms");
            report.Add($"{count:N0}: resident memory per object", point.ResidentPerObject, "B");
            report.Add($"{count:N0}: serialized size per object", point.SerializedPerObject, "B");
            return point;
        }
        finally
        {
            StoreFiles.TryDelete(dataDir);
        }
    }

    // Starts the program on the folder and GETs the path until it answers 200: the server, and ms from process start.
    private static async Task<(ServerUnderTest Server, double Ms)> RestartAsync(
        RunContext context, ScenarioReport report, string dataDir, string path, CancellationToken cancellationToken)
    {
        var start = context.Time.GetTimestamp();
        var server = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken, dataDir);
        try
        {
            while (!(await HttpDriver.SendAsync(server.Http, HttpDriver.Get(path), cancellationToken)).Ok)
            {
                report.OtherRequests++;
                await Task.Delay(TimeSpan.FromMilliseconds(5), context.Time, cancellationToken);
            }

            report.OtherRequests++;
            return (server, context.Time.GetElapsedTime(start).TotalMilliseconds);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    // Waits until the server spends under 10% of a core over a 250 ms window (at most 60 s): ms waited and server CPU ms.
    private static async Task<(double Ms, double CpuMs)> WaitForIdleAsync(RunContext context, ServerUnderTest server, CancellationToken cancellationToken)
    {
        var processorTime = server.ProcessorTime ?? throw new InvalidOperationException("the scale scenario's server is a child process");
        var window = TimeSpan.FromMilliseconds(250);
        var start = context.Time.GetTimestamp();
        var cpuStart = processorTime();
        var before = cpuStart;
        while (context.Time.GetElapsedTime(start) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(window, context.Time, cancellationToken);
            var now = processorTime();
            if (now - before < window / 10)
            {
                break;
            }

            before = now;
        }

        return (context.Time.GetElapsedTime(start).TotalMilliseconds, (processorTime() - cpuStart).TotalMilliseconds);
    }

    private static string ObjectPath(int index, int namespaceSize) =>
        $"{ResourceKind.ConfigMaps.Path(StoreSeeder.Namespace(index, namespaceSize))}/{StoreSeeder.Name(index)}";

    private sealed record ScalePoint(int Objects, LoadStats Get, LoadStats List, double RestartMs, double SelectMs, double ResidentPerObject, double SerializedPerObject);
}
