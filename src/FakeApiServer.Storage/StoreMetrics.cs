using System.Diagnostics.Metrics;

namespace FakeApiServer.Storage;

/// <summary>
/// The store's own figures, as instruments of the host's meters (no Kubernetes names or types here; the server exports
/// them): each group commit's size and latency and its failures, the database's size on disk (kube-apiserver's
/// apiserver_storage_size_bytes), and the history window (events kept for watch resume, the current and the compacted
/// revision). Created by the store when <see cref="StoreOptions.Meters"/> is set.
/// </summary>
internal sealed class StoreMetrics
{
    public const string MeterName = "FakeApiServer.Storage";

    private static readonly int[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private static readonly double[] CommitBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _commitFailures;

    public StoreMetrics(IMeterFactory meters, string? databasePath, Func<(long Revision, long Compacted, int HistoryEvents)> history, int historyWindow)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(history);
        var meter = meters.Create(MeterName);
        _batchSize = meter.CreateHistogram<int>(
            "fakeapiserver_storage_commit_batch_size", unit: null, description: "Writes committed in one transaction of the store's writer (group commit).", tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        _commitDuration = meter.CreateHistogram<double>(
            "fakeapiserver_storage_commit_duration_seconds", unit: null, description: "Latency of one group commit to the revision log, in seconds.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _commitFailures = meter.CreateCounter<long>(
            "fakeapiserver_storage_commit_failures_total", description: "Group commits that failed (a full disk); their writes were answered with an error and nothing changed.");
        if (databasePath is not null)
        {
            var files = new[] { databasePath, databasePath + "-wal" };
            meter.CreateObservableGauge(
                "apiserver_storage_size_bytes",
                () => new Measurement<long>(files.Sum(SizeOf), new KeyValuePair<string, object?>("storage_cluster_id", databasePath)),
                unit: null,
                description: "[STABLE] Size of the storage database file physically allocated in bytes.");
        }

        meter.CreateObservableGauge("fakeapiserver_storage_revision", () => history().Revision, unit: null, description: "The store's current revision (the newest resourceVersion).");
        meter.CreateObservableGauge(
            "fakeapiserver_storage_compacted_revision", () => history().Compacted, unit: null,
            description: "The newest revision no longer kept: watching or reading at or below it answers 410 Expired.");
        meter.CreateObservableGauge(
            "fakeapiserver_storage_history_events", () => history().HistoryEvents, unit: null,
            description: "Events kept for watch resume and reads at older revisions (at most the history window).");
        meter.CreateObservableGauge(
            "fakeapiserver_storage_history_window", () => historyWindow, unit: null, description: "The most events kept for watch resume (--history-window).");
    }

    /// <summary>A batch of <paramref name="writes"/> committed in <paramref name="elapsed"/>.</summary>
    public void Committed(int writes, TimeSpan elapsed)
    {
        _batchSize.Record(writes);
        _commitDuration.Record(elapsed.TotalSeconds);
    }

    public void CommitFailed() => _commitFailures.Add(1);

    private static long SizeOf(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
