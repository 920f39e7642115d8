using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Watch resume: 10k events written, then 100 watchers at once resume from the resourceVersion before them; each must
/// receive the whole backlog. Reports the time until all have it and the memory the replay took.
/// </summary>
internal sealed class WatchResumeScenario : IScenario
{
    /// <inheritdoc/>
    public string Name => "watch-resume";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var events = context.Profile.ResumeEvents;
        var watchers = context.Profile.ResumeWatchers;
        await using var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken, historyWindow: events * 2);
        const string Ns = "resume";
        await server.CreateNamespaceAsync(Ns, cancellationToken);
        var path = ResourceKind.ConfigMaps.Path(Ns);
        var rv = await server.CollectionResourceVersionAsync(path, cancellationToken);
        context.Progress($"watch-resume: writing {events:N0} events");
        await server.SeedAsync(0, events, i => (path, ObjectBodies.ConfigMap(Ns, $"r-{i}")), cancellationToken);
        report.OtherRequests += events;

        context.Progress($"watch-resume: {watchers} watchers resume {events:N0} events back");
        await using var sampler = MemorySampler.Start(context.Time);
        var start = context.Time.GetTimestamp();
        var open = await EventWatcher.OpenManyAsync(server.Http, $"{path}?watch=true&resourceVersion={rv}", watchers, context.Time, cancellationToken);
        var complete = await EventWatcher.WaitForAllAsync(open, events, TimeSpan.FromSeconds(120), context.Time, cancellationToken);
        var elapsed = context.Time.GetElapsedTime(start).TotalMilliseconds;
        await sampler.DisposeAsync();
        var incomplete = open.Count(w => w.Received < events);
        var outOfOrder = open.Sum(w => w.OutOfOrder) + open.Sum(w => w.ErrorEvents);
        var bytes = open.Sum(w => w.Bytes);
        foreach (var watcher in open)
        {
            await watcher.DisposeAsync();
        }

        report.OtherRequests += watchers;
        report.Add("watchers with the full backlog", watchers - incomplete, "watchers");
        report.Add("time until every watcher had the backlog", elapsed, "ms");
        report.Add("events replayed per second (all watchers)", (double)events * watchers / (elapsed / 1000), "events/s");
        report.Add("bytes streamed", bytes / 1048576.0, "MiB");
        report.Add("extra resident memory during the replay", sampler.ResidentPeakMiB, "MiB");
        report.Add("extra managed memory during the replay", sampler.ManagedPeakMiB, "MiB");
        report.Add("events out of order or ERROR", outOfOrder, "events");
        report.Targets.Add(TargetVerdict.Max("every watcher gets the full backlog, in order", incomplete + outOfOrder, 1, 0, "watchers+events"));
        report.CheckErrors += incomplete + outOfOrder + (complete ? 0 : 1);
        if (context.Profile.Name != "full")
        {
            report.Notes.Add($"{context.Profile.Name}: {watchers} watchers x {events:N0} events instead of 100 x 10k");
        }
    }
}
