using System.Text;
using FakeApiServer.Load.Harness;
using FakeApiServer.Storage;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The cold-start floor: bare Kestrel plus only what any API server on an empty SQLite store cannot do without --
/// KubernetesClient's models and System.Text.Json for one built-in object (the default Namespace), SQLite opening a new
/// database with the store's pragmas and schema and committing that one object -- then GET /version answers the stored
/// object. Started as `dotnet FakeApiServer.Load.dll --serve-floor &lt;empty folder&gt;`; a cold start of fakeapiserver
/// cannot be cheaper than this on the same machine (docs/benchmarks.md, "Cold start (session 15)").
/// </summary>
internal static class ColdStartFloor
{
    /// <summary>The argument that makes this program serve the floor.</summary>
    public const string Argument = "--serve-floor";

    /// <summary>Opens the store in <paramref name="dataDir"/>, writes the default Namespace, serves it, prints its URL, until killed.</summary>
    public static async Task<int> ServeAsync(string dataDir, CancellationToken cancellationToken)
    {
        var body = Store(Path.Combine(dataDir, "floor.db"));
        await using var server = await BareKestrel.StartAsync(
            app => app.MapGet("/version", (HttpContext context) => context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask()), cancellationToken);
        Console.WriteLine($"Cold-start floor is serving on {server.BaseAddress}");
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }

    private static byte[] Store(string path)
    {
        var created = new V1Namespace
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            Metadata = new V1ObjectMeta { Name = "default", Uid = Guid.NewGuid().ToString(), ResourceVersion = "1", CreationTimestamp = DateTime.UtcNow },
            Spec = new V1NamespaceSpec { Finalizers = ["kubernetes"] },
            Status = new V1NamespaceStatus { Phase = "Active" },
        };
        var body = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(created));
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        using (var schema = connection.CreateCommand())
        {
            // The store's own pragmas and tables, as SqliteRevisionLog.Open runs them at the server's default (--sync=full).
            schema.CommandText = SqliteRevisionLog.OpenScript(synchronousFull: true);
            schema.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (1, $key, 1, 0, 0, $value)";
        insert.Parameters.AddWithValue("$key", "/core/namespaces/default");
        insert.Parameters.AddWithValue("$value", body);
        insert.ExecuteNonQuery();
        transaction.Commit();
        return body;
    }
}
