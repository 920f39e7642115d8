using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// A revisioned store on an etcd v3 cluster, shared by any number of server replicas, as kube-apiserver uses etcd.
/// <para>
/// Writes go straight to etcd, one transaction each, conditioned on the key's modification revision (creates on its
/// absence), so races between replicas are results (<see cref="WriteStatus"/>) exactly as in the single-writer store;
/// the revision is etcd's, and an acknowledged write is in etcd's raft log on a quorum of members. A write completes
/// once this replica's watch cache has caught up with it, so the replica reads its own writes.
/// </para>
/// <para>
/// Reads and watches are served from the replica's <see cref="WatchCache"/>, which one etcd watch keeps current
/// (<see cref="EtcdWatchFeed"/>). <see cref="WaitForConsistentReadAsync"/> makes a read at resourceVersion "" see every
/// write acknowledged anywhere before it: etcd's current revision, then the cache caught up to it (a progress
/// notification moves it on when nothing under the prefix changed), as kube-apiserver's consistent reads from cache do.
/// </para>
/// </summary>
public sealed partial class EtcdRevisionedStore : IRevisionedStore
{
    private static readonly TimeSpan ProgressRetry = TimeSpan.FromMilliseconds(200);

    private readonly EtcdStoreOptions _options;
    private readonly ILogger _logger;
    private readonly GrpcChannel _channel;
    private readonly KV.KVClient _kv;
    private readonly EtcdKeys _keys;
    private readonly EtcdWatchFeed _feed;
    private readonly CancellationTokenSource _stopping = new();
    private Task _compactor = Task.CompletedTask;
    private TaskCompletionSource _compactorRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private EtcdRevisionedStore(EtcdStoreOptions options, ILoggerFactory loggerFactory, GrpcChannel channel)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<EtcdRevisionedStore>();
        _channel = channel;
        _kv = new KV.KVClient(channel);
        _keys = new EtcdKeys(options.Prefix, options.KeyLayout);
        _feed = new EtcdWatchFeed(_kv, new Watch.WatchClient(channel), _keys, options, _logger);
    }

    /// <inheritdoc/>
    public long CurrentRevision => _feed.Cache.Latest.Revision;

    /// <inheritdoc/>
    public long CompactedRevision => _feed.Cache.CompactedRevision;

    /// <inheritdoc/>
    public StoreSnapshot Latest => _feed.Cache.Latest;

    /// <summary>
    /// Completes when the compactor's next round has ended (it compacted, learnt of another replica's compaction, or
    /// only noted the revision) and its next timer is set: tests that move a manual clock wait on it.
    /// </summary>
    public Task NextCompactorRound => Volatile.Read(ref _compactorRound).Task;

    /// <summary>Connects, lists the prefix into the watch cache, starts its etcd watch and the compactor.</summary>
    public static async Task<EtcdRevisionedStore> OpenAsync(EtcdStoreOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var channel = EtcdChannel.Create(options);
        var store = new EtcdRevisionedStore(options, loggerFactory, channel);
        try
        {
            await store._feed.StartAsync(cancellationToken);
        }
        catch (RpcException e)
        {
            await store._feed.DisposeAsync();
            channel.Dispose();
            throw new StorageException(EtcdConnectionError.Describe(options, e), e);
        }

        if (options.CompactionInterval > TimeSpan.Zero)
        {
            var compactor = new EtcdCompactor(store._kv, options.CompactionInterval, timeProvider, store.OnCompacted, store._logger);
            using (ExecutionContext.SuppressFlow())
            {
                store._compactor = compactor.Start(store.OnCompactorRound, store._stopping.Token);
            }
        }

        var servers = string.Join(",", options.Servers);
        Log.Opened(store._logger, servers, options.Prefix, store.CurrentRevision, store.Latest.Count);
        return store;
    }

    /// <inheritdoc/>
    public StoreSnapshot? SnapshotAt(long revision) => _feed.Cache.SnapshotAt(revision);

    /// <inheritdoc/>
    public WatchSubscription? Watch(string keyPrefix, long afterRevision)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _feed.Cache.Watch(keyPrefix, afterRevision);
    }

    /// <inheritdoc/>
    public Task<int> ResetAsync(StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken) =>
        StoreReset.ResetAsync(this, baseline, encode, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask WaitForConsistentReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RangeResponse current;
        try
        {
            // A linearizable read of one key (the prefix itself, which holds nothing): its header carries the cluster's
            // revision after a quorum round, at the cost of one index lookup. A count over the prefix's range would give
            // the same revision but makes etcd walk every key (23 ms of etcd CPU per GET at 10,000 objects).
            current = await _kv.RangeAsync(new RangeRequest { Key = _keys.RangeStart, CountOnly = true }, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new StorageException("etcd: " + e.Status.Detail, e);
        }

        var revision = current.Header.Revision;
        var caughtUp = _feed.WaitForRevisionAsync(revision, cancellationToken);
        while (!caughtUp.IsCompleted)
        {
            // etcd answers a progress request only while the watch is in sync; ask again until the cache is there.
            await _feed.RequestProgressAsync(cancellationToken);
            // etcd runs on the real clock: a test's manual clock must not stall reads, so this retry waits on the system's.
            await Task.WhenAny(caughtUp, Task.Delay(ProgressRetry, TimeProvider.System, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        await caughtUp;
    }

    /// <inheritdoc/>
    public async ValueTask<WriteResult> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.Encode);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        // The revision is etcd's, known only once committed: the value is stored without it and stamped when read.
        var value = _options.ValueCodec.ToStorage(request.Encode(0));
        WriteResult result;
        try
        {
            result = request.Kind switch
            {
                WriteKind.Create => await CreateAsync(request.Key, value, cancellationToken),
                WriteKind.Update => await UpdateAsync(request.Key, request.ExpectedRevision, value, cancellationToken),
                _ => await DeleteAsync(request.Key, request.ExpectedRevision, value, cancellationToken),
            };
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new StorageException("etcd: " + e.Status.Detail, e);
        }

        if (result.Status == WriteStatus.Ok)
        {
            await _feed.WaitForRevisionAsync(result.Object!.Revision, cancellationToken);
        }

        return result;
    }

    /// <summary>Stops the compactor and the watch, ends every watcher and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _compactor;
        await _feed.DisposeAsync();
        _channel.Dispose();
        _stopping.Dispose();
        Log.Closed(_logger);
    }

    private async Task<WriteResult> CreateAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var etcdKey = _keys.ToEtcd(key);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = ByteString.CopyFrom(value) } });
        txn.Failure.Add(Get(etcdKey));
        var response = await _kv.TxnAsync(txn, cancellationToken: cancellationToken);
        if (response.Succeeded)
        {
            var revision = response.Header.Revision;
            return new WriteResult(WriteStatus.Ok, new StoredObject(key, revision, revision, _options.ValueCodec.FromStorage(value, revision)));
        }

        return Current(key, response) is { } current
            ? new WriteResult(WriteStatus.AlreadyExists, current)
            : await CreateAsync(key, value, cancellationToken); // Deleted between the compare and the read: try again.
    }

    private async Task<WriteResult> UpdateAsync(string key, long expectedRevision, byte[] value, CancellationToken cancellationToken)
    {
        var etcdKey = _keys.ToEtcd(key);
        var txn = new TxnRequest();
        txn.Compare.Add(Exists(etcdKey, expectedRevision));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = etcdKey, Value = ByteString.CopyFrom(value), PrevKv = true } });
        txn.Failure.Add(Get(etcdKey));
        var response = await _kv.TxnAsync(txn, cancellationToken: cancellationToken);
        if (response.Succeeded)
        {
            var revision = response.Header.Revision;
            var created = response.Responses[0].ResponsePut.PrevKv.CreateRevision;
            return new WriteResult(WriteStatus.Ok, new StoredObject(key, revision, created, _options.ValueCodec.FromStorage(value, revision)));
        }

        return Current(key, response) is { } current ? new WriteResult(WriteStatus.Conflict, current) : new WriteResult(WriteStatus.NotFound, null);
    }

    /// <summary>
    /// Deletes the key when it still holds <paramref name="value"/>; when the last state differs (a delete that also
    /// drops the last finalizer), writes it first and deletes that version, as kube-apiserver updates then deletes, so
    /// every replica's DELETED event carries the last state.
    /// </summary>
    private async Task<WriteResult> DeleteAsync(string key, long expectedRevision, byte[] value, CancellationToken cancellationToken)
    {
        var etcdKey = _keys.ToEtcd(key);
        var txn = new TxnRequest();
        txn.Compare.Add(Exists(etcdKey, expectedRevision));
        txn.Compare.Add(new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = ByteString.CopyFrom(value) });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = etcdKey, PrevKv = true } });
        txn.Failure.Add(Get(etcdKey));
        var response = await _kv.TxnAsync(txn, cancellationToken: cancellationToken);
        if (response.Succeeded)
        {
            var revision = response.Header.Revision;
            var created = response.Responses[0].ResponseDeleteRange.PrevKvs[0].CreateRevision;
            return new WriteResult(WriteStatus.Ok, new StoredObject(key, revision, created, _options.ValueCodec.FromStorage(value, revision)));
        }

        if (Current(key, response) is not { } current)
        {
            return new WriteResult(WriteStatus.NotFound, null);
        }

        if (expectedRevision != 0 && current.Revision != expectedRevision)
        {
            return new WriteResult(WriteStatus.Conflict, current);
        }

        var updated = await UpdateAsync(key, current.Revision, value, cancellationToken);
        return updated.Status == WriteStatus.Ok ? await DeleteAsync(key, updated.Object!.Revision, value, cancellationToken) : updated;
    }

    /// <summary>The key exists, at <paramref name="expectedRevision"/> when one is given.</summary>
    private static Compare Exists(ByteString etcdKey, long expectedRevision) => expectedRevision != 0
        ? new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expectedRevision }
        : new Compare { Key = etcdKey, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Greater, Version = 0 };

    private static RequestOp Get(ByteString etcdKey) => new() { RequestRange = new RangeRequest { Key = etcdKey } };

    /// <summary>The key's current version from a failed transaction's read, or null when it does not exist.</summary>
    private StoredObject? Current(string key, TxnResponse response) =>
        response.Responses[0].ResponseRange.Kvs is { Count: > 0 } kvs ? _feed.ToStored(key, kvs[0]) : null;

    private void OnCompacted(long revision) => _feed.Cache.CompactTo(revision);

    private void OnCompactorRound() =>
        Interlocked.Exchange(ref _compactorRound, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Opened the etcd store at {Servers} under {Prefix}: revision {Revision}, {ObjectCount} objects")]
        public static partial void Opened(ILogger logger, string servers, string prefix, long revision, int objectCount);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Closed the etcd store")]
        public static partial void Closed(ILogger logger);
    }
}
