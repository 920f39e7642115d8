using System.Globalization;
using System.Text;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Churn soak: the server as a child process (`dotnet fakeapiserver.dll --data-dir ...`, so its log can be read) with
/// 10k keys merge-patched at 500/s (open model) while 100 watchers follow and the history window compacts the log.
/// Zero "database is locked" and no 5xx, write p99 of the last window within 2x the first, database size bounded.
/// </summary>
internal sealed class ChurnScenario : IScenario
{
    private const string Ns = "churn";

    /// <inheritdoc/>
    public string Name => "churn";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        // A child process, so its log can be searched for "database is locked".
        await using var server = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken);
        var http = server.Http;
        var dataDir = server.DataDir;
        var path = ResourceKind.ConfigMaps.Path(Ns);
        var create = await HttpDriver.SendAsync(http, HttpDriver.WithBody(HttpMethod.Post, "/api/v1/namespaces", ObjectBodies.Namespace(Ns)), cancellationToken);
        report.CheckErrors += create.Ok ? 0 : 1;
        context.Progress($"churn: seeding {profile.ChurnKeys:N0} keys");
        long seedErrors = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, profile.ChurnKeys),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var result = await HttpDriver.SendAsync(http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Ns, $"k-{i}")), ct);
                if (!result.Ok)
                {
                    Interlocked.Increment(ref seedErrors);
                }
            });
        report.CheckErrors += seedErrors;
        report.OtherRequests += profile.ChurnKeys + 1;
        var sizeAtStart = StoreFiles.Bytes(dataDir);
        var (_, list) = await HttpDriver.SendForBodyAsync(http, HttpDriver.Get(path + "?limit=1"), cancellationToken);
        var rv = JsonScan.ResourceVersionText(list);
        var watchers = await EventWatcher.OpenManyAsync(http, $"{path}?watch=true&resourceVersion={rv}", profile.ChurnWatchers, context.Time, cancellationToken);
        var window = profile.SoakDuration >= TimeSpan.FromMinutes(2) ? TimeSpan.FromMinutes(1) : profile.SoakDuration / 5;
        context.Progress($"churn: {profile.ChurnRate}/s merge patches for {profile.SoakDuration} with {profile.ChurnWatchers} watchers");
        // The size halfway through: by then the history window (10k events) has filled and compaction runs, so a bounded
        // database stays about there; one that grows with the number of writes keeps growing.
        long sizeAtHalf = 0;
        using var halfway = new CancellationTokenSource();
        var halfSample = Task.Run(
            async () =>
            {
                await Task.Delay(profile.SoakDuration / 2, context.Time, halfway.Token);
                sizeAtHalf = StoreFiles.Bytes(dataDir);
            },
            CancellationToken.None);
        var writes = await context.Runner.RunAsync(
            new LoadTest
            {
                Name = $"churn: merge patch at {profile.ChurnRate}/s on {profile.ChurnKeys:N0} keys, {profile.ChurnWatchers} watchers",
                Model = LoadModel.Open(profile.ChurnRate),
                Window = window,
                // "p<n>" never equals the seeded "0": a patch that changes nothing writes no event, and every write must.
                Step = (step, ct) => HttpDriver.SendAsync(
                    http,
                    HttpDriver.WithBody(
                        HttpMethod.Patch, $"{path}/k-{step.Iteration % profile.ChurnKeys}",
                        Encoding.UTF8.GetBytes($"{{\"data\":{{\"v\":\"p{step.Iteration.ToString(CultureInfo.InvariantCulture)}\"}}}}"), HttpDriver.MergePatch),
                    ct),
            },
            TimeSpan.Zero, profile.SoakDuration, cancellationToken);
        await EventWatcher.WaitForAllAsync(watchers, writes.Requests - writes.Errors, TimeSpan.FromSeconds(10), context.Time, cancellationToken);
        var delivered = watchers.Sum(w => w.Received);
        var closed = watchers.Count(w => w.EndedEarly) + watchers.Sum(w => w.ErrorEvents);
        foreach (var watcher in watchers)
        {
            await watcher.DisposeAsync();
        }

        var sizeAtEnd = StoreFiles.Bytes(dataDir);
        await halfway.CancelAsync();
        try
        {
            await halfSample;
        }
        catch (OperationCanceledException)
        {
            sizeAtHalf = sizeAtEnd;
        }

        var log = server.ProcessLog;
        var locked = log.Count(l => l.Contains("database is locked", StringComparison.OrdinalIgnoreCase));
        var failures = log.Count(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal));
        var serverErrors = writes.ErrorsByStatus.Where(e => e.Key.StartsWith('5')).Sum(e => e.Value);
        report.Measurements.Add(writes);
        report.Add("database is locked (server log)", locked, "lines");
        report.Add("fail/crit lines in the server log", failures, "lines");
        report.Add("5xx answers", serverErrors, "requests");
        report.Add("database size at start (db + wal)", sizeAtStart / 1048576.0, "MiB");
        report.Add("database size halfway (db + wal)", sizeAtHalf / 1048576.0, "MiB");
        report.Add("database size at end (db + wal)", sizeAtEnd / 1048576.0, "MiB");
        report.Add("events delivered to watchers", delivered, "events");
        report.Add("watches closed by the server (slow watcher) or ERROR events", closed, "watches");
        var first = writes.Windows.Count > 0 ? writes.Windows[0] : null;
        var last = writes.Windows.LastOrDefault(w => w.Requests > 0);
        if (first is not null && last is not null)
        {
            report.Add($"write p99, first {window.TotalSeconds:0.#} s", first.P99, "ms");
            report.Add($"write p99, last {window.TotalSeconds:0.#} s", last.P99, "ms");
            report.Targets.Add(TargetVerdict.Max("write p99 of the last window <= 2x the first", last.P99, first.P99, 2, "ms"));
        }

        report.Targets.Add(TargetVerdict.Max("zero \"database is locked\" and zero 5xx", locked + serverErrors, 1, 0, "errors"));
        report.Targets.Add(TargetVerdict.Max("database size bounded: at end <= 1.2x halfway (it levelled off)", sizeAtEnd / 1048576.0, sizeAtHalf / 1048576.0, 1.2, "MiB"));
        report.CheckErrors += locked + failures;
        report.Notes.Add($"soak {profile.SoakDuration}; windows of {window.TotalSeconds:0.#} s; history window 10,000 events (the default), so the log is compacted throughout");
    }
}
