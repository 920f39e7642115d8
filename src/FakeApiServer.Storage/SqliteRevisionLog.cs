using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage;

/// <summary>
/// The log on SQLite, in kine's shape: one append-only table whose primary key is the revision. A row is
/// one version of a key; a delete is a row with <c>deleted = 1</c> whose value is the last state.
/// <c>prev_revision</c> links a version to the one it replaced (0 for a create), which gives watch events
/// their previous object after a restart and makes compaction a primary-key lookup.
/// One connection, owned by the store's writer task; WAL mode, so a commit appends to the WAL.
/// A database this log creates has 2 KiB pages (<see cref="PageSize"/>): a value of more than about 2 KB then lives in
/// overflow pages with only its first 232 bytes in the table's leaf, so a leaf holds several rows. With SQLite's 4 KiB
/// default one object of 2.2 KB filled a leaf, and compaction's delete of a superseded version emptied that leaf and
/// rebalanced its neighbours, each a whole 4 KiB page in the WAL: 3.6 WAL pages (14.5 KB) per update against 1.3 per
/// create. With 2 KiB pages an update writes 2.5 pages (5 KB), a create 1.25 (2.5 KB). An existing database keeps the
/// page size it was created with.
/// No index but the primary key: a <c>(key, revision)</c> index, which earlier versions kept (and which is dropped at
/// open), cost a random leaf page in the WAL for every insert and every compaction delete, and only a restart read it;
/// the restart reads the table newest first instead (<see cref="CurrentVersionsReader"/>).
/// </summary>
internal sealed partial class SqliteRevisionLog : IRevisionLog
{
    private const string CompactedRevisionName = "compacted_revision";

    /// <summary>The page size of a database this log creates (SQLite's default is 4096); see the class summary.</summary>
    internal const int PageSize = 2048;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS log (
            revision INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            value BLOB NOT NULL
        );
        DROP INDEX IF EXISTS log_key_revision;
        CREATE TABLE IF NOT EXISTS meta (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        """;

    private const string InsertSql = """
        INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value)
        VALUES ($revision, $key, $create_revision, $prev_revision, $deleted, $value)
        """;

    // Only versions replaced (or deleted) within (last compaction, compacted] can have become unneeded since
    // the last pass: their predecessors via prev_revision, and the delete rows themselves. The newest row is
    // kept whatever it is, so MAX(revision) always survives for the revision sequence.
    private const string CompactSql = """
        DELETE FROM log
        WHERE revision < (SELECT MAX(revision) FROM log)
          AND (revision IN (SELECT prev_revision FROM log WHERE revision > $from AND revision <= $to AND prev_revision > 0)
               OR (revision > $from AND revision <= $to AND deleted = 1))
        """;

    // Remembered so that a restart with a larger history window never serves the partly deleted range.
    private const string SaveCompactedSql = $"""
        INSERT INTO meta (name, value) VALUES ('{CompactedRevisionName}', $to)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _compact;
    private readonly SqliteCommand _saveCompacted;
    private readonly ILogger _logger;
    private readonly int _compactionSlice;

    // Compaction is done through _lastCompactedRevision (also on disk) and asked for up to _compactionTarget; each append
    // takes the next slice of at most _compactionSlice revisions of that range.
    private long _lastCompactedRevision;
    private long _compactionTarget;

    private SqliteRevisionLog(SqliteConnection connection, int compactionSlice, ILogger logger)
    {
        _connection = connection;
        _compactionSlice = compactionSlice;
        _logger = logger;
        _insert = Command(connection, InsertSql, "$revision", "$key", "$create_revision", "$prev_revision", "$deleted", "$value");
        _compact = Command(connection, CompactSql, "$from", "$to");
        _saveCompacted = Command(connection, SaveCompactedSql, "$to");
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>
    /// Opens (creating when missing) the database file and its schema. A compaction is spread over the appends that
    /// follow it, <paramref name="compactionSlice"/> revisions of its range with each.
    /// </summary>
    public static SqliteRevisionLog Open(string path, bool synchronousFull, int compactionSlice, ILogger logger)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooling: Dispose really closes the file, so a store can be reopened (and the folder deleted).
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, OpenScript(synchronousFull));
            return new SqliteRevisionLog(connection, compactionSlice, logger);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What every connection that opens the log runs first: its pragmas and its tables (the load harness's cold-start
    /// floor runs it too). page_size only takes effect while the file is still empty, so it comes before journal_mode.
    /// </summary>
    internal static string OpenScript(bool synchronousFull) => $"""
        PRAGMA page_size = {PageSize};
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = {(synchronousFull ? "FULL" : "NORMAL")};
        PRAGMA busy_timeout = 5000;
        {Schema}
        """;

    public RestoredLog Load(int historyWindow)
    {
        var revision = Scalar("SELECT COALESCE(MAX(revision), 0) FROM log");
        var compactedOnDisk = Scalar($"SELECT COALESCE((SELECT value FROM meta WHERE name = '{CompactedRevisionName}'), 0)");
        _lastCompactedRevision = compactedOnDisk;
        _compactionTarget = compactedOnDisk;

        // Rows above the on-disk compacted revision are all intact, so any window within them is contiguous.
        var compacted = Math.Max(compactedOnDisk, revision - historyWindow);
        var objects = CurrentVersionsReader.Read(_connection);
        var events = ReadEvents(compacted, objects);
        Log.Loaded(_logger, revision, compacted, objects.Count);
        return new RestoredLog(revision, compacted, objects, events);
    }

    public void Append(IReadOnlyList<WatchEvent> events, long compactedRevision)
    {
        using var transaction = _connection.BeginTransaction();
        _insert.Transaction = transaction;
        var parameters = _insert.Parameters;
        foreach (var change in events)
        {
            parameters[0].Value = change.Object.Revision;
            parameters[1].Value = change.Object.Key;
            parameters[2].Value = change.Object.CreateRevision;
            parameters[3].Value = change.Type == WatchEventType.Created ? 0 : change.Previous?.Revision ?? 0;
            parameters[4].Value = change.Type == WatchEventType.Deleted ? 1 : 0;
            parameters[5].Value = change.Object.Value;
            _insert.ExecuteNonQuery();
        }

        _compactionTarget = Math.Max(_compactionTarget, compactedRevision);
        // At least twice the revisions this append adds, so that compaction keeps up with any rate of writes.
        var slice = Math.Min(_compactionTarget, _lastCompactedRevision + Math.Max(_compactionSlice, 2L * events.Count));
        var compacted = slice > _lastCompactedRevision && Compact(transaction, slice);
        transaction.Commit();
        if (compacted)
        {
            _lastCompactedRevision = slice;
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _compact.Dispose();
        _saveCompacted.Dispose();
        _connection.Dispose();
    }

    // Inside the append's transaction, so the deletes share its commit (no sync of their own), behind a savepoint
    // so that a failed compaction is rolled back alone and retried with the next append. One slice of a compaction's
    // range at a time: the versions a range frees sit on random pages of the table, so a whole
    // range of thousands of revisions in one commit held that commit's writes (and every write queued behind it) for
    // a hundred milliseconds and more.
    private bool Compact(SqliteTransaction transaction, long compactedRevision)
    {
        const string Savepoint = "compaction";
        transaction.Save(Savepoint);
        try
        {
            _compact.Transaction = transaction;
            _compact.Parameters[0].Value = _lastCompactedRevision;
            _compact.Parameters[1].Value = compactedRevision;
            var deleted = _compact.ExecuteNonQuery();

            _saveCompacted.Transaction = transaction;
            _saveCompacted.Parameters[0].Value = compactedRevision;
            _saveCompacted.ExecuteNonQuery();
            transaction.Release(Savepoint);
            Log.Compacted(_logger, compactedRevision, deleted);
            return true;
        }
#pragma warning disable CA1031 // Compaction is housekeeping: a failure must not fail the writes it rides with.
        catch (SqliteException exception)
#pragma warning restore CA1031
        {
            transaction.Rollback(Savepoint);
            Log.CompactionFailed(_logger, compactedRevision, exception);
            return false;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // An event's version that is also a current object, or an earlier event's, is that same object: its value is not read
    // (and held) a second time.
    private List<WatchEvent> ReadEvents(long afterRevision, List<StoredObject> current)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT l.key, l.revision, l.create_revision, l.prev_revision, l.deleted, l.value,
                   p.revision, p.create_revision, p.value
            FROM log l LEFT JOIN log p ON p.revision = l.prev_revision AND l.prev_revision > 0
            WHERE l.revision > $after
            ORDER BY l.revision
            """;
        command.Parameters.AddWithValue("$after", afterRevision);
        using var reader = command.ExecuteReader();
        var events = new List<WatchEvent>();
        var versions = new Dictionary<long, StoredObject>();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            var revision = reader.GetInt64(1);
            var deleted = reader.GetInt64(4) != 0;
            var stored = (deleted ? null : CurrentAt(current, key, revision))
                ?? new StoredObject(key, revision, reader.GetInt64(2), (byte[])reader.GetValue(5));
            versions[revision] = stored;
            var previous = reader.IsDBNull(6)
                ? null
                : versions.GetValueOrDefault(reader.GetInt64(6)) ?? new StoredObject(key, reader.GetInt64(6), reader.GetInt64(7), (byte[])reader.GetValue(8));
            var type = deleted ? WatchEventType.Deleted
                : reader.GetInt64(3) == 0 ? WatchEventType.Created
                : WatchEventType.Modified;
            events.Add(new WatchEvent(type, stored, previous));
        }

        return events;
    }

    // The current object at key when it is the version at revision; current is in key order (a miss only costs a read).
    private static StoredObject? CurrentAt(List<StoredObject> current, string key, long revision)
    {
        int low = 0, high = current.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(current[middle].Key, key);
            if (order == 0)
            {
                return current[middle].Revision == revision ? current[middle] : null;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Loaded the revision log at revision {Revision} (compacted {CompactedRevision}) with {ObjectCount} objects")]
        public static partial void Loaded(ILogger logger, long revision, long compactedRevision, int objectCount);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Compacted the revision log to revision {CompactedRevision}, deleting {RowCount} rows")]
        public static partial void Compacted(ILogger logger, long compactedRevision, int rowCount);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Compacting the log to revision {CompactedRevision} failed; retrying at the next compaction")]
        public static partial void CompactionFailed(ILogger logger, long compactedRevision, Exception exception);
    }
}
