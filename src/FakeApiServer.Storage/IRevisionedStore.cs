namespace FakeApiServer.Storage;

/// <summary>
/// A revisioned key-value store: every committed write gets the next value of one global, strictly
/// increasing revision (etcd's model). All current values live in memory, so reads never touch the
/// durable log; writes are acknowledged only after they are committed to it.
/// Keys are opaque ordinal strings; values are opaque bytes. This layer knows no Kubernetes types.
/// </summary>
public interface IRevisionedStore : IAsyncDisposable
{
    /// <summary>The revision of the latest committed write (0 for an empty, new store).</summary>
    long CurrentRevision { get; }

    /// <summary>
    /// Events with a revision at or below this are gone from the history window: a watch or a
    /// snapshot read from a revision below it must be answered with 410 Expired.
    /// </summary>
    long CompactedRevision { get; }

    /// <summary>The latest committed state. Never blocks; the returned snapshot is immutable.</summary>
    StoreSnapshot Latest { get; }

    /// <summary>
    /// The state exactly as of <paramref name="revision"/> (all writes with revision &lt;= it),
    /// or null when that revision is older than the history window (compacted) or newer than
    /// <see cref="CurrentRevision"/>.
    /// </summary>
    StoreSnapshot? SnapshotAt(long revision);

    /// <summary>
    /// Queues one write for the single writer, which checks its precondition against the newest state
    /// (including earlier writes of the same batch), assigns the revision, calls
    /// <see cref="WriteRequest.Encode"/> with it, and commits the batch in one transaction.
    /// Completes only after the commit; races are results (<see cref="WriteStatus"/>), not exceptions.
    /// </summary>
    ValueTask<WriteResult> WriteAsync(WriteRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a watch on keys that start with <paramref name="keyPrefix"/> for every event with a
    /// revision greater than <paramref name="afterRevision"/>: first the backlog from the history
    /// window, then live events, in revision order, without gaps or duplicates.
    /// Returns null when <paramref name="afterRevision"/> is below <see cref="CompactedRevision"/>
    /// (the caller answers 410 Expired).
    /// </summary>
    WatchSubscription? Watch(string keyPrefix, long afterRevision);

    /// <summary>
    /// Brings the store back to <paramref name="baseline"/> (an earlier snapshot) with ordinary writes at new revisions:
    /// every key not in the baseline is deleted, every baseline key that is missing or changed since is written back with
    /// its baseline bytes passed through <paramref name="encode"/> (which stamps the new revision). Revisions keep
    /// increasing and watchers see the deletes and writes as events. Returns the number of writes.
    /// </summary>
    /// <param name="baseline">The state to go back to.</param>
    /// <param name="encode">Given a value and the revision of its write, returns the bytes to store.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    Task<int> ResetAsync(StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once <see cref="Latest"/> includes every write committed anywhere before the call: what a read at
    /// resourceVersion "" (most recent) waits for. A store that is the only writer of its log is always current; a
    /// store that is one of several replicas on a shared log waits for its cache to catch up.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask WaitForConsistentReadAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>What a write does to its key.</summary>
public enum WriteKind
{
    /// <summary>The key must not exist.</summary>
    Create,

    /// <summary>The key must exist (and match the expected revision when one is given).</summary>
    Update,

    /// <summary>The key must exist (and match the expected revision when one is given); it is removed.</summary>
    Delete,
}

/// <summary>One queued write.</summary>
/// <param name="Key">The key.</param>
/// <param name="Kind">Create, update or delete.</param>
/// <param name="ExpectedRevision">For update and delete: the revision the caller read; 0 means any.</param>
/// <param name="Encode">
/// Called once, on the writer, with the revision this write gets; returns the bytes to store.
/// For a delete, the bytes are the object's last state as the DELETED watch event carries it.
/// Must be pure and fast (it stamps the revision into an already-built object and serializes it).
/// </param>
public readonly record struct WriteRequest(string Key, WriteKind Kind, long ExpectedRevision, Func<long, byte[]> Encode);

/// <summary>The outcome of a write.</summary>
public enum WriteStatus
{
    /// <summary>Committed.</summary>
    Ok,

    /// <summary>Create of a key that exists.</summary>
    AlreadyExists,

    /// <summary>Update or delete of a key that does not exist.</summary>
    NotFound,

    /// <summary>Update or delete whose expected revision is not the key's current revision.</summary>
    Conflict,
}

// CA1720: "Object" names the Kubernetes object a result or event carries, as the API's watch events do.
#pragma warning disable CA1720
/// <summary>
/// The outcome of a write. On <see cref="WriteStatus.Ok"/>, <see cref="Object"/> is the committed version
/// (for a delete: the last state, at the delete's revision). On AlreadyExists and Conflict it is the
/// current version. On NotFound it is null.
/// </summary>
public readonly record struct WriteResult(WriteStatus Status, StoredObject? Object);
#pragma warning restore CA1720

/// <summary>One immutable version of a key.</summary>
/// <param name="Key">The key.</param>
/// <param name="Revision">The revision of the write that produced this version (etcd's mod_revision).</param>
/// <param name="CreateRevision">The revision at which the key was created.</param>
/// <param name="Value">The stored bytes; never mutated.</param>
public sealed record StoredObject(string Key, long Revision, long CreateRevision, byte[] Value);

/// <summary>The kind of change a watch event reports.</summary>
public enum WatchEventType
{
    /// <summary>The key was created.</summary>
    Created,

    /// <summary>The key was updated.</summary>
    Modified,

    /// <summary>The key was deleted.</summary>
    Deleted,
}

#pragma warning disable CA1720 // See WriteResult.
/// <summary>
/// One change. <see cref="Object"/> is the new version (for a delete, the last state at the delete's
/// revision); <see cref="Previous"/> is the version before the change (null for a create).
/// </summary>
public sealed record WatchEvent(WatchEventType Type, StoredObject Object, StoredObject? Previous)
{
    /// <summary>The revision of the change.</summary>
    public long Revision => Object.Revision;
}
#pragma warning restore CA1720
