using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// Fills one replica's <see cref="WatchCache"/> from etcd, as kube-apiserver's cacher does: one list of the prefix,
/// then one etcd watch from the next revision with previous values, re-opened from the last revision seen whenever the
/// stream breaks (a member died). When etcd has compacted past that revision, or events arrive out of order, the cache
/// is rebuilt from a fresh list and its watchers are closed, so their clients re-list (410 when they ask for older
/// revisions). Every response is published as one batch, so readers never see half of it.
/// </summary>
internal sealed partial class EtcdWatchFeed : IAsyncDisposable
{
    private const int ListPageSize = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly KV.KVClient _kv;
    private readonly Watch.WatchClient _watch;
    private readonly EtcdKeys _keys;
    private readonly EtcdStoreOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Lock _waitersLock = new();
    private readonly List<(long Revision, TaskCompletionSource Done)> _waiters = [];
    private volatile WatchCache? _cache;
    private volatile IClientStreamWriter<WatchRequest>? _requests;
    private Task _loop = Task.CompletedTask;

    public EtcdWatchFeed(KV.KVClient kv, Watch.WatchClient watch, EtcdKeys keys, EtcdStoreOptions options, ILogger logger)
    {
        _kv = kv;
        _watch = watch;
        _keys = keys;
        _options = options;
        _logger = logger;
    }

    public WatchCache Cache => _cache ?? throw new InvalidOperationException("The feed has not been started.");

    /// <summary>Lists the prefix into a new cache and starts the watch behind it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _cache = await ListAsync(cancellationToken);
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }
    }

    /// <summary>Completes once the cache has reached <paramref name="revision"/>.</summary>
    public Task WaitForRevisionAsync(long revision, CancellationToken cancellationToken)
    {
        if (Cache.Latest.Revision >= revision)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            _waiters.Add((revision, done));
        }

        // The cache may have moved on between the check and the registration.
        ReleaseWaiters(Cache.Latest.Revision);
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Asks etcd for a progress notification on the feed's watch: once every event up to etcd's current revision was
    /// sent, etcd answers with that revision, which moves the cache on even when nothing under the prefix changed.
    /// Nothing happens while the watch is being re-opened (it catches up by itself).
    /// </summary>
    public async Task RequestProgressAsync(CancellationToken cancellationToken)
    {
        if (_requests is not { } requests)
        {
            return;
        }

        await _sending.WaitAsync(cancellationToken);
        try
        {
            await requests.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, cancellationToken);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The stream just broke; the loop re-opens it.
        }
        finally
        {
            _sending.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _cache?.Close();
        lock (_waitersLock)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetException(new ObjectDisposedException(nameof(EtcdRevisionedStore)));
            }

            _waiters.Clear();
        }

        _stopping.Dispose();
        _sending.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(50);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await WatchOnceAsync(stopping))
                {
                    backoff = TimeSpan.FromMilliseconds(50);
                }

                continue;
            }
            catch (Exception e) when (stopping.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return;
            }
            catch (RpcException e)
            {
                Log.WatchBroken(_logger, Cache.Latest.Revision, e.Status.Detail);
            }

            try
            {
                // Re-connecting to etcd waits on the real clock, as etcd does: a test's manual clock must not stall it.
                await Task.Delay(backoff, TimeProvider.System, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Runs one etcd watch stream until it ends; true when it delivered anything.</summary>
    private async Task<bool> WatchOnceAsync(CancellationToken stopping)
    {
        using var call = _watch.Watch(cancellationToken: stopping);
        var create = new WatchCreateRequest { Key = _keys.RangeStart, RangeEnd = _keys.RangeEnd, StartRevision = Cache.Latest.Revision + 1, PrevKv = true };
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = create }, stopping);
        _requests = call.RequestStream;
        var delivered = false;
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(stopping))
            {
                delivered = true;
                if (response.Canceled)
                {
                    if (response.CompactRevision > 0)
                    {
                        Log.Compacted(_logger, Cache.Latest.Revision, response.CompactRevision);
                        await RelistAsync(stopping);
                        return true;
                    }

                    throw new RpcException(new Status(StatusCode.Unavailable, response.CancelReason));
                }

                if (response.Created)
                {
                    continue;
                }

                if (response.Events.Count == 0)
                {
                    Advance(response.Header.Revision);
                }
                else if (!Apply(response.Events))
                {
                    await RelistAsync(stopping);
                    return true;
                }
            }
        }
        finally
        {
            _requests = null;
        }

        return delivered;
    }

    private async Task RelistAsync(CancellationToken stopping)
    {
        var fresh = await ListAsync(stopping);
        var old = Interlocked.Exchange(ref _cache, fresh);
        old?.Close();
        ReleaseWaiters(fresh.Latest.Revision);
    }

    private async Task<WatchCache> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        long revision = 0;
        var start = _keys.RangeStart;
        while (true)
        {
            var response = await _kv.RangeAsync(
                new RangeRequest { Key = start, RangeEnd = _keys.RangeEnd, Limit = ListPageSize, Revision = revision }, cancellationToken: cancellationToken);
            if (revision == 0)
            {
                revision = response.Header.Revision;
            }

            foreach (var kv in response.Kvs)
            {
                if (_keys.FromEtcd(kv.Key) is { } key)
                {
                    objects.Add(ToStored(key, kv));
                }
            }

            if (!response.More || response.Kvs.Count == 0)
            {
                break;
            }

            // The next page starts just after the last key: the key with a zero byte appended.
            var last = response.Kvs[^1].Key;
            start = ByteString.CopyFrom([.. last.Span, 0]);
        }

        Log.Listed(_logger, objects.Count, revision);
        return new WatchCache(StoreSnapshot.FromObjects(objects, revision), [], _options.HistoryWindow, _options.WatcherQueueCapacity, _logger);
    }

    /// <summary>Publishes one watch response as one batch; false when it does not follow the cache (it must re-list).</summary>
    private bool Apply(Google.Protobuf.Collections.RepeatedField<Mvccpb.Event> events)
    {
        var cache = Cache;
        var latest = cache.Latest;
        var revision = latest.Revision;
        var changes = new List<WatchEvent>(events.Count);
        var staged = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Kv.ModRevision <= latest.Revision || e.Kv.ModRevision < revision)
            {
                Log.OutOfOrder(_logger, e.Kv.ModRevision, latest.Revision);
                return false;
            }

            revision = e.Kv.ModRevision;
            if (_keys.FromEtcd(e.Kv.Key) is not { } key)
            {
                continue;
            }

            var current = staged.TryGetValue(key, out var stagedObject) ? stagedObject : latest.Get(key);
            if (ToWatchEvent(key, e, current) is { } change)
            {
                changes.Add(change);
                staged[key] = change.Type == WatchEventType.Deleted ? null : change.Object;
            }
        }

        cache.Publish(latest.Apply(changes, revision), changes);
        ReleaseWaiters(revision);
        return true;
    }

    private WatchEvent? ToWatchEvent(string key, Mvccpb.Event e, StoredObject? current)
    {
        var previous = e.PrevKv is { } prevKv ? ToStored(key, prevKv) : current;
        if (e.Type == Mvccpb.Event.Types.EventType.Put)
        {
            var stored = ToStored(key, e.Kv);
            return e.Kv.Version == 1 || previous is null
                ? new WatchEvent(WatchEventType.Created, stored, null)
                : new WatchEvent(WatchEventType.Modified, stored, previous);
        }

        if (previous is null)
        {
            return null;
        }

        // kube-apiserver's DELETED event carries the last state, at the delete's revision.
        var last = e.PrevKv is { } lastKv ? lastKv.Value.ToByteArray() : _options.ValueCodec.ToStorage(previous.Value);
        var deleted = new StoredObject(key, e.Kv.ModRevision, previous.CreateRevision, _options.ValueCodec.FromStorage(last, e.Kv.ModRevision));
        return new WatchEvent(WatchEventType.Deleted, deleted, previous);
    }

    private void Advance(long revision)
    {
        var cache = Cache;
        var latest = cache.Latest;
        if (revision > latest.Revision)
        {
            cache.Publish(latest.Apply([], revision), []);
        }

        ReleaseWaiters(revision);
    }

    private void ReleaseWaiters(long revision)
    {
        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Revision <= revision)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    internal StoredObject ToStored(string key, Mvccpb.KeyValue kv) =>
        new(key, kv.ModRevision, kv.CreateRevision, _options.ValueCodec.FromStorage(kv.Value.ToByteArray(), kv.ModRevision));

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {ObjectCount} objects from etcd at revision {Revision}")]
        public static partial void Listed(ILogger logger, int objectCount, long revision);

        [LoggerMessage(Level = LogLevel.Information, Message = "The etcd watch broke after revision {Revision} ({Detail}); re-watching")]
        public static partial void WatchBroken(ILogger logger, long revision, string detail);

        [LoggerMessage(Level = LogLevel.Warning, Message = "etcd compacted revision {CompactRevision} past the cache's revision {Revision}; re-listing")]
        public static partial void Compacted(ILogger logger, long revision, long compactRevision);

        [LoggerMessage(Level = LogLevel.Warning, Message = "etcd sent revision {EventRevision} after the cache's revision {Revision}; re-listing")]
        public static partial void OutOfOrder(ILogger logger, long eventRevision, long revision);
    }
}
