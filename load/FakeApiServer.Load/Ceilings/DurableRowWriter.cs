using Microsoft.Data.Sqlite;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The bare durable write of the ceilings: one row per call into SQLite (WAL, synchronous=FULL as the server's default)
/// on one connection, one transaction per row, serialized by a lock; no group commit.
/// </summary>
internal sealed class DurableRowWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _key;
    private readonly SqliteParameter _value;
    private readonly SemaphoreSlim _lock = new(1);
    private long _sequence;

    private DurableRowWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = "INSERT INTO kv (key, value) VALUES ($key, $value)";
        _key = _insert.Parameters.Add("$key", SqliteType.Text);
        _value = _insert.Parameters.Add("$value", SqliteType.Blob);
    }

    /// <summary>Creates a fresh database file in <paramref name="workDir"/>.</summary>
    public static async Task<DurableRowWriter> OpenAsync(string workDir, CancellationToken cancellationToken)
    {
        var path = Path.Combine(workDir, "ceiling-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL);";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return new DurableRowWriter(connection);
    }

    /// <summary>Inserts and commits one row; returns its sequence number.</summary>
    public async Task<long> InsertAsync(byte[] value, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            var sequence = ++_sequence;
            _key.Value = "/configmaps/ceiling/" + sequence;
            _value.Value = value;
            await _insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return sequence;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _connection.DisposeAsync();
        _lock.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
