using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The durable write the server's design aims at: requests queue their rows to one writer thread, which commits
/// whatever has queued (up to <see cref="MaxBatch"/>) in one SQLite transaction (WAL, synchronous=FULL) and only then
/// completes each request. The table has the server's log shape (revision primary key, index on key and revision).
/// </summary>
internal sealed class GroupCommitWriter : IDisposable
{
    /// <summary>The most rows one transaction commits.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<PendingRow> _queue = Channel.CreateUnbounded<PendingRow>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Thread _thread;
    private long _batches;
    private long _rows;

    private GroupCommitWriter(SqliteConnection connection)
    {
        _connection = connection;
        _thread = new Thread(Run) { IsBackground = true, Name = "group-commit writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Rows committed so far.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Creates a fresh database file in <paramref name="workDir"/> and starts the writer thread.</summary>
    public static GroupCommitWriter Open(string workDir)
    {
        var path = Path.Combine(workDir, "group-commit-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE log (revision INTEGER PRIMARY KEY, key TEXT NOT NULL, value BLOB NOT NULL);
                CREATE INDEX log_key_revision ON log (key, revision);
                """;
            setup.ExecuteNonQuery();
        }

        return new GroupCommitWriter(connection);
    }

    /// <summary>Queues one row; completes once the transaction holding it has committed.</summary>
    public Task InsertAsync(string key, byte[] value)
    {
        var row = new PendingRow(key, value, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(row) ? row.Committed.Task : Task.FromException(new ObjectDisposedException(nameof(GroupCommitWriter)));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private void Run()
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO log (revision, key, value) VALUES ($revision, $key, $value)";
        var revision = insert.Parameters.Add("$revision", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        var batch = new List<PendingRow>(MaxBatch);
        long next = 0;
        // The thread is the writer: it blocks on the queue between batches, as the server's writer waits for work.
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            try
            {
                using (var transaction = _connection.BeginTransaction())
                {
                    insert.Transaction = transaction;
                    foreach (var row in batch)
                    {
                        revision.Value = ++next;
                        key.Value = row.Key;
                        value.Value = row.Value;
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _rows, batch.Count);
                foreach (var row in batch)
                {
                    row.Committed.TrySetResult();
                }
            }
            catch (SqliteException e)
            {
                foreach (var row in batch)
                {
                    row.Committed.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }

    private sealed record PendingRow(string Key, byte[] Value, TaskCompletionSource Committed);
}
