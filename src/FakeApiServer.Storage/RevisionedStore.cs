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
    private readonly WatchCache _cache;
    private readonly Task _writer;
    private readonly StoreMetrics? _metrics;

    private long _logCompactedRevision;
    private long _committedBatches;
    private int _disposed;

    private RevisionedStore(StoreOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, IRevisionLog log, RestoredLog restored, StoreSnapshot latest)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RevisionedStore>();
        _log = log;
        _cache = new WatchCache(
            latest, restored.Events, options.HistoryWindow, options.WatcherQueueCapacity, _logger);
        _logCompactedRevision = restored.CompactedRevision;

        _metrics = options.Meters is { } meters
            ? new StoreMetrics(
                meters, options.DataDirectory is { } directory ? Path.GetFullPath(Path.Combine(directory, StoreOptions.DatabaseFileName)) : null,
                () => (CurrentRevision, CompactedRevision, _cache.HistoryCount), options.HistoryWindow)
            : null;
        _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
        // The writer serves every caller, so it must not capture the opener's execution context (AsyncLocals).
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(RunWriterAsync);
        }
    }

    /// <inheritdoc/>
    public long CurrentRevision => _cache.Latest.Revision;

    /// <inheritdoc/>
    public long CompactedRevision => _cache.CompactedRevision;

    /// <inheritdoc/>
    public StoreSnapshot Latest => _cache.Latest;

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
                    var log = SqliteRevisionLog.Open(path, options.SynchronousFull, options.LogCompactionSlice, logger);
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
            var read = timeProvider.GetElapsedTime(started);
            var latest = StoreSnapshot.FromObjects(restored.Objects, restored.Revision);
            var built = timeProvider.GetElapsedTime(started);
            var store = new RevisionedStore(options, timeProvider, loggerFactory, log, restored, latest);
            var elapsed = timeProvider.GetElapsedTime(started);
            Log.Opened(
                store._logger, options.DataDirectory ?? "(in memory)", store.CurrentRevision, store.CompactedRevision, store.Latest.Count, elapsed.TotalMilliseconds,
                read.TotalMilliseconds, (built - read).TotalMilliseconds, restored.Events.Count, (elapsed - built).TotalMilliseconds);
            return Task.FromResult(store);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public StoreSnapshot? SnapshotAt(long revision) => _cache.SnapshotAt(revision);

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
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _cache.Watch(keyPrefix, afterRevision);
    }

    /// <inheritdoc/>
    public Task<int> ResetAsync(StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken) =>
        StoreReset.ResetAsync(this, baseline, encode, cancellationToken);

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
        _cache.Close();

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
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var latest = _cache.Latest;
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
                _log.Append(events, CompactionDue());
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

            _cache.Publish(latest.Apply(events, revision), events);
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

    /// <summary>
    /// The compacted revision the log should delete superseded rows up to with this append, once the in-memory
    /// one has moved <see cref="StoreOptions.LogCompactionInterval"/> past the last time; otherwise 0. The deletes
    /// ride in the append's transaction, so they cost no sync of their own. The log remembers how far it got.
    /// </summary>
    private long CompactionDue()
    {
        var compacted = CompactedRevision;
        if (compacted - _logCompactedRevision < _options.LogCompactionInterval)
        {
            return 0;
        }

        _logCompactedRevision = compacted;
        return compacted;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Opened the store at {DataDirectory}: revision {Revision}, compacted {CompactedRevision}, {ObjectCount} objects, in {ElapsedMilliseconds} ms (the log read in {ReadMilliseconds} ms, the snapshot built in {SnapshotMilliseconds} ms, the history of {EventCount} events in {HistoryMilliseconds} ms)")]
        public static partial void Opened(
            ILogger logger, string dataDirectory, long revision, long compactedRevision, int objectCount, double elapsedMilliseconds,
            double readMilliseconds, double snapshotMilliseconds, int eventCount, double historyMilliseconds);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Closed the store at revision {Revision}")]
        public static partial void Closed(ILogger logger, long revision);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Committed {WriteCount} writes up to revision {Revision} in {ElapsedMilliseconds} ms")]
        public static partial void Committed(ILogger logger, int writeCount, long revision, double elapsedMilliseconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "Committing a batch of {WriteCount} writes failed; the batch was rolled back")]
        public static partial void CommitFailed(ILogger logger, int writeCount, Exception exception);

        [LoggerMessage(Level = LogLevel.Critical, Message = "The writer failed unexpectedly while processing a batch")]
        public static partial void WriterFailed(ILogger logger, Exception exception);

    }
}
