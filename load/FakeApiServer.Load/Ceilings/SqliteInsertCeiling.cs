using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The fastest a durable create can be without group commit: bare Kestrel inserting each request's 2 KiB body as one
/// row into SQLite (WAL, synchronous=FULL as the server's default) on one connection, one transaction per request,
/// serialized by a lock, and echoing the body as a create does. The server commits in groups, so it may beat this.
/// </summary>
internal static class SqliteInsertCeiling
{
    /// <summary>64 users POST 2 KiB bodies.</summary>
    public static async Task<LoadStats> MeasureAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Progress("ceiling: SQLite insert per request");
        var path = Path.Combine(context.WorkDir, "ceiling-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL);";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        using var writeLock = new SemaphoreSlim(1);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO kv (key, value) VALUES ($key, $value)";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        long sequence = 0;

        async Task InsertAsync(HttpContext c)
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body, c.RequestAborted);
            var bytes = body.ToArray();
            await writeLock.WaitAsync(c.RequestAborted);
            try
            {
                await using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                key.Value = "/configmaps/ceiling/" + Interlocked.Increment(ref sequence);
                value.Value = bytes;
                await insert.ExecuteNonQueryAsync(c.RequestAborted);
                await transaction.CommitAsync(c.RequestAborted);
            }
            finally
            {
                writeLock.Release();
            }

            c.Response.StatusCode = StatusCodes.Status201Created;
            c.Response.ContentType = "application/json";
            await c.Response.Body.WriteAsync(bytes, c.RequestAborted);
        }

        await using var server = await BareKestrel.StartAsync(app => app.MapPost("/insert", InsertAsync), cancellationToken);
        using var http = HttpDriver.Create(server.BaseAddress);
        var stats = await context.MeasureAsync(
            new LoadTest
            {
                Name = "ceiling: bare Kestrel POST, one SQLite insert per request (WAL, synchronous=FULL)",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(
                    http, HttpDriver.WithBody(HttpMethod.Post, "/insert", ObjectBodies.ConfigMap("ceiling", $"c-{step.User}-{step.Iteration}")), ct),
            },
            cancellationToken);
        report.Notes.Add("insert ceiling: one connection, one transaction per request, serialized by a lock, WAL + synchronous=FULL (the server's default durability, without its group commit)");
        SqliteConnection.ClearAllPools();
        return stats;
    }
}
