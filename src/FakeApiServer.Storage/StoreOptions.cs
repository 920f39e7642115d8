namespace FakeApiServer.Storage;

/// <summary>Configuration of a <see cref="RevisionedStore"/>. Settable so that configuration binding can fill it.</summary>
public sealed class StoreOptions
{
    /// <summary>The file name of the SQLite log inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "fakeapiserver.db";

    /// <summary>
    /// The folder holding the SQLite log (<see cref="DatabaseFileName"/>); created when missing.
    /// Null means in-memory: nothing is written anywhere and SQLite is not used at all.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// How many events are kept for watch resume and snapshot reads. Older revisions are compacted:
    /// watching or reading from them answers 410 Expired. Must be at least 1.
    /// </summary>
    public int HistoryWindow { get; set; } = 10_000;

    /// <summary>
    /// True: PRAGMA synchronous=FULL, an acknowledged write survives power loss.
    /// False: NORMAL, which in WAL mode still survives a killed process but may lose the last
    /// commits on power loss, for much cheaper commits.
    /// </summary>
    public bool SynchronousFull { get; set; } = true;

    /// <summary>The most queued writes the writer commits in one transaction. Must be at least 1.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// Events a watcher may have queued but not yet read; a watcher that falls further behind is closed
    /// (<see cref="WatchSubscription.Overflowed"/>) so that it never blocks writers. Must be at least 1.
    /// </summary>
    public int WatcherQueueCapacity { get; set; } = 4096;

    /// <summary>The host's meter factory the store's instruments are created from (<see cref="StoreMetrics"/>), or null for none.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? Meters { get; set; }

    /// <summary>
    /// How far (in revisions) the in-memory compacted revision must advance before the writer starts deleting
    /// superseded rows from the log, inside the appends' transactions (<see cref="LogCompactionSlice"/> at a time).
    /// Small, so that every batch carries about its own share of deletes instead of one batch in thousands carrying
    /// them all (which stalled every write queued behind it for 100-300 ms).
    /// </summary>
    internal int LogCompactionInterval { get; set; } = 64;

    /// <summary>
    /// How many revisions of a compaction's range the log deletes the superseded rows of with one append: a compaction
    /// is spread over the appends that follow it, so that no one commit carries all its deletes.
    /// </summary>
    internal int LogCompactionSlice { get; set; } = 256;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryWindow, 1, nameof(HistoryWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatcherQueueCapacity, 1, nameof(WatcherQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(LogCompactionInterval, 1, nameof(LogCompactionInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(LogCompactionSlice, 1, nameof(LogCompactionSlice));
    }
}
