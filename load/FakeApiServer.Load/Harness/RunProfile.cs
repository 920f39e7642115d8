namespace FakeApiServer.Load.Harness;

/// <summary>
/// The sizes and durations of a run: full (the figures), --quick (every scenario under a minute, smaller
/// counts) or --smoke (seconds, for CI).
/// </summary>
internal sealed record RunProfile
{
    /// <summary>"full", "quick" or "smoke".</summary>
    public required string Name { get; init; }

    /// <summary>Warm-up before each measured period.</summary>
    public required TimeSpan WarmUp { get; init; }

    /// <summary>Each measured period.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The churn soak's length.</summary>
    public required TimeSpan SoakDuration { get; init; }

    /// <summary>Objects for the update scenario and the first GET stage (10k in full).</summary>
    public required int SmallCount { get; init; }

    /// <summary>Objects for the second GET stage, LIST and memory (100k in full).</summary>
    public required int LargeCount { get; init; }

    /// <summary>Objects per namespace in the large cluster (1,000 in full).</summary>
    public required int NamespaceSize { get; init; }

    /// <summary>Stored objects of the scale scenario's curve (10k, 100k, 1M in full).</summary>
    public required IReadOnlyList<int> ScaleCounts { get; init; }

    /// <summary>Watcher counts of the fan-out scenario (1, 100, 1,000, 10,000 in full).</summary>
    public required IReadOnlyList<int> FanOutWatchers { get; init; }

    /// <summary>Events replayed to each resuming watcher (10k in full).</summary>
    public required int ResumeEvents { get; init; }

    /// <summary>Watchers resuming at once (100 in full).</summary>
    public required int ResumeWatchers { get; init; }

    /// <summary>Objects of each of the five informer kinds (2k in full).</summary>
    public required int InformerObjects { get; init; }

    /// <summary>Keys of the churn soak (10k in full).</summary>
    public required int ChurnKeys { get; init; }

    /// <summary>Updates per second of the churn soak (500 in full).</summary>
    public required double ChurnRate { get; init; }

    /// <summary>Watchers of the churn soak (100 in full).</summary>
    public required int ChurnWatchers { get; init; }

    /// <summary>Fresh in-memory clusters started in a row (20 in full).</summary>
    public required int ClusterStarts { get; init; }

    /// <summary>Child processes started per cold-start measurement (median taken).</summary>
    public required int ProcessStarts { get; init; }

    /// <summary>The sizes, 10 s per measurement, a 10 minute soak.</summary>
    public static RunProfile Full { get; } = new()
    {
        Name = "full", WarmUp = TimeSpan.FromSeconds(2), Duration = TimeSpan.FromSeconds(10), SoakDuration = TimeSpan.FromMinutes(10),
        SmallCount = 10_000, LargeCount = 100_000, NamespaceSize = 1_000, FanOutWatchers = [1, 100, 1_000, 10_000],
        ScaleCounts = [10_000, 100_000, 1_000_000],
        ResumeEvents = 10_000, ResumeWatchers = 100, InformerObjects = 2_000, ChurnKeys = 10_000, ChurnRate = 500,
        ChurnWatchers = 100, ClusterStarts = 20, ProcessStarts = 3,
    };

    /// <summary>
    /// Every scenario in about a minute (on a quiet machine): a tenth of the object counts, 1 s periods (shortened from
    /// 1.5 s when issue 20 added the closed-loop and scale scenarios and their ceilings).
    /// </summary>
    public static RunProfile Quick { get; } = new()
    {
        Name = "quick", WarmUp = TimeSpan.FromSeconds(0.25), Duration = TimeSpan.FromSeconds(1), SoakDuration = TimeSpan.FromSeconds(5),
        SmallCount = 1_000, LargeCount = 10_000, NamespaceSize = 1_000, FanOutWatchers = [1, 100],
        ScaleCounts = [1_000, 10_000],
        ResumeEvents = 2_000, ResumeWatchers = 20, InformerObjects = 300, ChurnKeys = 1_000, ChurnRate = 200,
        ChurnWatchers = 20, ClusterStarts = 5, ProcessStarts = 1,
    };

    /// <summary>Seconds in all, for CI: proves every scenario runs and reports, measures nothing meaningful.</summary>
    public static RunProfile Smoke { get; } = new()
    {
        Name = "smoke", WarmUp = TimeSpan.FromSeconds(0.1), Duration = TimeSpan.FromSeconds(0.4), SoakDuration = TimeSpan.FromSeconds(1),
        SmallCount = 100, LargeCount = 300, NamespaceSize = 100, FanOutWatchers = [1, 5],
        ScaleCounts = [100, 300],
        ResumeEvents = 100, ResumeWatchers = 5, InformerObjects = 20, ChurnKeys = 50, ChurnRate = 50,
        ChurnWatchers = 3, ClusterStarts = 2, ProcessStarts = 1,
    };
}
