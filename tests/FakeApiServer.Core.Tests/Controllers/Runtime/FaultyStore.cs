using FakeApiServer.Storage;

namespace FakeApiServer.Tests.Controllers.Runtime;

/// <summary>
/// A store whose next writes under a key prefix fail as a full or read-only disk makes the real store fail them (a
/// <see cref="StorageException"/> from the commit; the Faults project's disk scenario shows the same with a real
/// tmpfs), without root or a mount, so a test decides exactly which writes fail. Everything else goes to the real store.
/// </summary>
internal sealed class FaultyStore(IRevisionedStore inner) : IRevisionedStore
{
    private readonly Lock _lock = new();
    private string _prefix = "";
    private int _failuresLeft;

    public long CurrentRevision => inner.CurrentRevision;

    public long CompactedRevision => inner.CompactedRevision;

    public StoreSnapshot Latest => inner.Latest;

    /// <summary>How many writes failed so far.</summary>
    public int Failed { get; private set; }

    /// <summary>Fails the next <paramref name="count"/> writes of keys under <paramref name="keyPrefix"/>.</summary>
    public void FailNextWrites(string keyPrefix, int count)
    {
        lock (_lock)
        {
            _prefix = keyPrefix;
            _failuresLeft = count;
        }
    }

    public StoreSnapshot? SnapshotAt(long revision) => inner.SnapshotAt(revision);

    public ValueTask<WriteResult> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_failuresLeft > 0 && request.Key.StartsWith(_prefix, StringComparison.Ordinal))
            {
                _failuresLeft--;
                Failed++;
                throw new StorageException("committing to the revision log failed: database or disk is full");
            }
        }

        return inner.WriteAsync(request, cancellationToken);
    }

    public WatchSubscription? Watch(string keyPrefix, long afterRevision) => inner.Watch(keyPrefix, afterRevision);

    public Task<int> ResetAsync(StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken) =>
        inner.ResetAsync(baseline, encode, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
