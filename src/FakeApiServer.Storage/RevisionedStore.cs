using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage;

/// <summary>
/// The in-memory revisioned store over a durable log (SQLite, or nothing for an in-memory store).
/// <para>
/// Writes: callers queue <see cref="WriteRequest"/>s; one writer task drains the queue in batches of up to
/// <see cref="StoreOptions.MaxBatchSize"/>, checks each precondition against the newest state (earlier writes
/// of the batch included), assigns consecutive revisions, commits the batch in one transaction (group
/// commit) and only then publishes: the new <see cref="Latest"/>, the history ring, the watchers, and the
/// callers' results. A failed commit fails the whole batch and changes nothing.
/// </para>
/// <para>
/// Reads never touch the log: <see cref="Latest"/> is a volatile reference to an immutable snapshot, and
/// <see cref="SnapshotAt"/> and <see cref="Watch"/> use the history kept in memory.
/// </para>
/// </summary>
public sealed partial class RevisionedStore : IRevisionedStore
{
    private readonly StoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IRevisionLog _log;
    private readonly Channel<PendingWrite> _queue;
    private readonly WatchHub _hub;

    // Guards the ring, the snapshot history, the hub's publishing and watcher registration, so that a new
    // watcher's backlog and its first live event meet exactly.
    private readonly Lock _publishLock = new();
    private readonly HistoryRing _ring;
    private readonly SnapshotHistory _history;
    private readonly Task _writer;
    private readonly StoreMetrics? _metrics;

    private volatile StoreSnapshot _latest;
    private long _compactedRevision;
    private long _logCompactedRevision;
    private long _committedBatches;
    private int _disposed;

    private RevisionedStore(StoreOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, IRevisionLog log, RestoredLog restored)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RevisionedStore>();
        _log = log;
        _hub = new WatchHub(_logger);

        _latest = StoreSnapshot.FromObjects(restored.Objects, restored.Revision);
        _ring = new HistoryRing(options.HistoryWindow, restored.Revision);
        foreach (var change in restored.Events.TakeLast(options.HistoryWindow))
        {
            _ring.Append(change);
        }

        _compactedRevision = _ring.CompactedRevision;
        _logCompactedRevision = restored.CompactedRevision;

        // The log holds no old snapshots: rebuild the one at the compacted revision by undoing the history.
        var history = new List<WatchEvent>(_ring.Count);
        _ring.CopyRange(_compactedRevision, restored.Revision, string.Empty, history);
        history.Reverse();
        _history = new SnapshotHistory(_latest.Revert(history, _compactedRevision));
        _history.Add(_latest);

        _metrics = options.Meters is { } meters
            ? new StoreMetrics(
                meters, options.DataDirectory is { } directory ? Path.GetFullPath(Path.Combine(directory, StoreOptions.DatabaseFileName)) : null,
                () => (CurrentRevision, CompactedRevision, _ring.Count), options.HistoryWindow)
            : null;
        _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
        // The writer serves every caller, so it must not capture the opener's execution context (AsyncLocals).
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(RunWriterAsync);
        }
    }

    /// <inheritdoc/>
    public long CurrentRevision => _latest.Revision;

    /// <inheritdoc/>
    public long CompactedRevision => Volatile.Read(ref _compactedRevision);

    /// <inheritdoc/>
    public StoreSnapshot Latest => _latest;

    /// <summary>Transactions committed so far; lets tests observe group commit.</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    internal IRevisionLog RevisionLog => _log;

    /// <summary>
    /// Opens the store: with <see cref="StoreOptions.DataDirectory"/>, creates the folder and
    /// <c>fakeapiserver.db</c> when missing and restores objects, history and the revision sequence from it;
    /// without, starts empty in memory.
    /// </summary>
    public static Task<RevisionedStore> OpenAsync(StoreOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.DataDirectory is null)
        {
            return OpenAsync(options, new NullRevisionLog(), timeProvider, loggerFactory, cancellationToken);
        }

        var directory = options.DataDirectory;
        var logger = loggerFactory.CreateLogger<SqliteRevisionLog>();
        return Task.Run(
            () =>
            {
                var path = Path.Combine(directory, StoreOptions.DatabaseFileName);
                try
                {
                    CreatePrivately(directory, path);
                    var log = SqliteRevisionLog.Open(path, options.SynchronousFull, logger);
                    return OpenAsync(options, log, timeProvider, loggerFactory, cancellationToken);
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
                {
                    // A corrupt or unreadable file: say so in one line and leave the file exactly as it is.
                    throw new StorageException($"cannot open the database {path}: {e.Message}", e);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// The database holds every Secret: its folder is created 0700 and the file 0600 (an existing one is tightened to
    /// 0600), before SQLite opens it; SQLite gives the WAL and shared-memory files the database file's mode.
    /// </summary>
    private static void CreatePrivately(string directory, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, owner | UnixFileMode.UserExecute);
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = owner });
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            File.SetUnixFileMode(file, owner);
        }
    }

    /// <summary>Opens the store over a given log; takes ownership of it. Tests use it to inject failures.</summary>
    internal static Task<RevisionedStore> OpenAsync(StoreOptions options, IRevisionLog log, TimeProvider timeProvider, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        try
        {
            options.Validate();
            cancellationToken.ThrowIfCancellationRequested();
            var started = timeProvider.GetTimestamp();
            var restored = log.Load(options.HistoryWindow);
            var store = new RevisionedStore(options, timeProvider, loggerFactory, log, restored);
            var elapsed = timeProvider.GetElapsedTime(started);
            Log.Opened(store._logger, options.DataDirectory ?? "(in memory)", store.CurrentRevision, store.CompactedRevision, store._latest.Count, elapsed.TotalMilliseconds);
            return Task.FromResult(store);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public StoreSnapshot? SnapshotAt(long revision)
    {
        var latest = _latest;
        if (revision == latest.Revision)
        {
            return latest;
        }

        StoreSnapshot start;
        var replay = new List<WatchEvent>();
        lock (_publishLock)
        {
            if (revision < _compactedRevision || revision > _latest.Revision)
            {
                return null;
            }

            start = _history.FindAtOrBefore(revision);
            if (start.Revision == revision)
            {
                return start;
            }

            _ring.CopyRange(start.Revision, revision, string.Empty, replay);
        }

        return start.Apply(replay, revision);
    }

    /// <inheritdoc/>
    public ValueTask<WriteResult> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.Encode);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WriteResult>(cancellationToken);
        }

        var pending = new PendingWrite(request, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        return new ValueTask<WriteResult>(pending.Completion.Task);
    }

    /// <inheritdoc/>
    public WatchSubscription? Watch(string keyPrefix, long afterRevision)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        lock (_publishLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (afterRevision < _compactedRevision)
            {
                return null;
            }

            // Under the lock no batch can be published between reading the backlog and registering,
            // so the backlog ends exactly where live delivery starts.
            var backlog = new List<WatchEvent>();
            _ring.CopyRange(afterRevision, long.MaxValue, keyPrefix, backlog);
            var subscription = new WatchSubscription(keyPrefix, afterRevision, backlog, _options.WatcherQueueCapacity, _hub.Remove);
            _hub.Add(subscription);
            return subscription;
        }
    }

    /// <inheritdoc/>
    public async Task<int> ResetAsync(StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(encode);
        var total = 0;

        // Writers racing with the reset (controllers) can make a write conflict: diff again until nothing differs.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var latest = _latest;
            var writes = new List<Task<WriteResult>>();
            foreach (var current in latest.Range(string.Empty))
            {
                var wanted = baseline.Get(current.Key);
                if (wanted is null)
                {
                    var last = current.Value;
                    writes.Add(WriteAsync(new WriteRequest(current.Key, WriteKind.Delete, current.Revision, rev => encode(last, rev)), cancellationToken).AsTask());
                }
                else if (wanted.Revision != current.Revision && !encode(wanted.Value, current.Revision).AsSpan().SequenceEqual(current.Value))
                {
                    var value = wanted.Value;
                    writes.Add(WriteAsync(new WriteRequest(current.Key, WriteKind.Update, current.Revision, rev => encode(value, rev)), cancellationToken).AsTask());
                }
            }

            foreach (var wanted in baseline.Range(string.Empty))
            {
                if (latest.Get(wanted.Key) is null)
                {
                    var value = wanted.Value;
                    writes.Add(WriteAsync(new WriteRequest(wanted.Key, WriteKind.Create, 0, rev => encode(value, rev)), cancellationToken).AsTask());
                }
            }

            if (writes.Count == 0)
            {
                return total;
            }

            var failed = false;
            foreach (var write in writes)
            {
                var result = await write;
                if (result.Status == WriteStatus.Ok)
                {
                    total++;
                }
                else
                {
                    failed = true;
                }
            }

            if (!failed)
            {
                return total;
            }
        }

        throw new InvalidOperationException("The store kept changing while it was reset.");
    }

    /// <summary>
    /// Stops accepting writes, commits those already queued, ends every watch and closes the log.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer;
        lock (_publishLock)
        {
            _hub.Close();
        }

        _log.Dispose();
        Log.Closed(_logger, CurrentRevision);
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                CommitBatch(batch);
            }
#pragma warning disable CA1031 // A bug must not kill the only writer and leave every later caller waiting.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.WriterFailed(_logger, exception);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }
            }

            batch.Clear();
            CompactLogIfDue();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var latest = _latest;
        var revision = latest.Revision;

        // Writes earlier in the batch are staged here (null = deleted) so later ones check against them.
        var staged = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
        var events = new List<WatchEvent>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.CancellationToken.IsCancellationRequested)
            {
                pending.Completion.TrySetCanceled(pending.CancellationToken);
                continue;
            }

            var request = pending.Request;
            var current = staged.TryGetValue(request.Key, out var stagedObject) ? stagedObject : latest.Get(request.Key);
            if (CheckPrecondition(request, current) is { } failure)
            {
                pending.Result = failure;
                continue;
            }

            byte[] value;
            try
            {
                value = request.Encode(revision + 1) ?? throw new InvalidOperationException("Encode returned null.");
            }
#pragma warning disable CA1031 // The caller's encoder failed: that write fails alone; the batch goes on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                pending.Completion.TrySetException(exception);
                continue;
            }

            revision++;
            var change = request.Kind switch
            {
                WriteKind.Create => new WatchEvent(WatchEventType.Created, new StoredObject(request.Key, revision, revision, value), null),
                WriteKind.Update => new WatchEvent(WatchEventType.Modified, new StoredObject(request.Key, revision, current!.CreateRevision, value), current),
                _ => new WatchEvent(WatchEventType.Deleted, new StoredObject(request.Key, revision, current!.CreateRevision, value), current),
            };
            staged[request.Key] = change.Type == WatchEventType.Deleted ? null : change.Object;
            events.Add(change);
            pending.Result = new WriteResult(WriteStatus.Ok, change.Object);
        }

        if (events.Count > 0)
        {
            using var span = StorageTracing.StartCommit(batch, events.Count);
            var started = _timeProvider.GetTimestamp();
            try
            {
                _log.Append(events);
            }
#pragma warning disable CA1031 // Any commit failure fails the batch's writes with it; the store stays as it was.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.Message);
                Log.CommitFailed(_logger, events.Count, exception);
                _metrics?.CommitFailed();
                var failure = new StorageException("committing to the revision log failed: " + exception.Message, exception);
                foreach (var pending in batch)
                {
                    if (pending.Result is not null)
                    {
                        pending.Completion.TrySetException(failure);
                    }
                }

                return;
            }

            Interlocked.Increment(ref _committedBatches);
            var elapsed = _timeProvider.GetElapsedTime(started);
            Log.Committed(_logger, events.Count, revision, elapsed.TotalMilliseconds);
            span?.SetTag("storage.revision", revision);
            _metrics?.Committed(events.Count, elapsed);

            Publish(latest.Apply(events, revision), events);
        }

        foreach (var pending in batch)
        {
            if (pending.Result is { } result)
            {
                pending.Completion.TrySetResult(result);
            }
        }
    }

    private static WriteResult? CheckPrecondition(WriteRequest request, StoredObject? current) => request.Kind switch
    {
        WriteKind.Create when current is not null => new WriteResult(WriteStatus.AlreadyExists, current),
        WriteKind.Create => null,
        _ when current is null => new WriteResult(WriteStatus.NotFound, null),
        _ when request.ExpectedRevision != 0 && request.ExpectedRevision != current.Revision => new WriteResult(WriteStatus.Conflict, current),
        _ => null,
    };

    private void Publish(StoreSnapshot snapshot, List<WatchEvent> events)
    {
        var evicted = new List<WatchEvent>();
        lock (_publishLock)
        {
            foreach (var change in events)
            {
                if (_ring.Append(change) is { } old)
                {
                    evicted.Add(old);
                }
            }

            _history.Add(snapshot);
            _history.Compact(_ring.CompactedRevision, evicted);
            _latest = snapshot;
            Volatile.Write(ref _compactedRevision, _ring.CompactedRevision);
            _hub.Publish(events);
        }
    }

    /// <summary>
    /// Deletes superseded rows from the log once the compacted revision has moved far enough, so the
    /// database stays bounded. Runs on the writer, between batches, so it never contends for the file.
    /// </summary>
    private void CompactLogIfDue()
    {
        var compacted = CompactedRevision;
        if (compacted - _logCompactedRevision < _options.LogCompactionInterval)
        {
            return;
        }

        try
        {
            _log.Compact(compacted);
            _logCompactedRevision = compacted;
        }
#pragma warning disable CA1031 // Compaction is housekeeping: a failure is logged and retried after the next batch.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.LogCompactionFailed(_logger, compacted, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Opened the store at {DataDirectory}: revision {Revision}, compacted {CompactedRevision}, {ObjectCount} objects, in {ElapsedMilliseconds} ms")]
        public static partial void Opened(ILogger logger, string dataDirectory, long revision, long compactedRevision, int objectCount, double elapsedMilliseconds);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Closed the store at revision {Revision}")]
        public static partial void Closed(ILogger logger, long revision);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Committed {WriteCount} writes up to revision {Revision} in {ElapsedMilliseconds} ms")]
        public static partial void Committed(ILogger logger, int writeCount, long revision, double elapsedMilliseconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "Committing a batch of {WriteCount} writes failed; the batch was rolled back")]
        public static partial void CommitFailed(ILogger logger, int writeCount, Exception exception);

        [LoggerMessage(Level = LogLevel.Critical, Message = "The writer failed unexpectedly while processing a batch")]
        public static partial void WriterFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Compacting the log to revision {CompactedRevision} failed; retrying later")]
        public static partial void LogCompactionFailed(ILogger logger, long compactedRevision, Exception exception);
    }
}
