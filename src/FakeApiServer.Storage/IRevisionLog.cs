namespace FakeApiServer.Storage;

/// <summary>
/// The durable, append-only log under the store (kine's Log layer). Only the store's writer task calls
/// <see cref="Append"/>, one call at a time, so implementations need no locking.
/// Calls are synchronous because they run on that dedicated writer and SQLite has no truly async I/O.
/// </summary>
internal interface IRevisionLog : IDisposable
{
    /// <summary>
    /// Reads the state to restart from: the highest revision ever written (deletes included), every current
    /// object, and the contiguous events above the compacted revision, at most <paramref name="historyWindow"/>.
    /// </summary>
    RestoredLog Load(int historyWindow);

    /// <summary>
    /// Commits <paramref name="events"/> (ascending revisions) in one transaction: all or nothing. Returns
    /// only after the commit is durable to the configured level; throws when it failed.
    /// While the log's compaction is behind <paramref name="compactedRevision"/> (or the highest one given before), the
    /// same transaction also deletes the versions no read can need any more in the next slice of that range: those
    /// superseded, and deletes (never the newest row, so the revision sequence survives). A failed compaction is given
    /// up for this call without failing the append, and retried with the next.
    /// </summary>
    void Append(IReadOnlyList<WatchEvent> events, long compactedRevision);
}

/// <summary>What the log holds at start-up.</summary>
/// <param name="Revision">The highest revision written, or 0.</param>
/// <param name="CompactedRevision">Events at or below this are not available.</param>
/// <param name="Objects">The current version of every existing key.</param>
/// <param name="Events">The events above <paramref name="CompactedRevision"/>, ascending and contiguous.</param>
internal sealed record RestoredLog(long Revision, long CompactedRevision, IReadOnlyList<StoredObject> Objects, IReadOnlyList<WatchEvent> Events)
{
    public static RestoredLog Empty { get; } = new(0, 0, [], []);
}
