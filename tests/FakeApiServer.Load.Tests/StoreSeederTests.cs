using System.Text.Json;
using FakeApiServer.Load.Harness;
using FakeApiServer.Storage;

namespace FakeApiServer.Load.Tests;

/// <summary>A store written directly by the seeder is what the real server would have written: it serves every object after a restart.</summary>
public sealed class StoreSeederTests : IDisposable
{
    private const int NamespaceSize = 10;
    private const int Count = 25;
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "fakeapiserver-seeder-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task The_restarted_server_serves_every_seeded_object_with_its_own_uid_and_resourceVersion()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        var dataDir = Path.Combine(_workDir, "store");
        var templateNamespace = StoreSeeder.Namespace(0, NamespaceSize);
        await using (var server = await ServerUnderTest.StartProcessAsync(_workDir, ct, dataDir))
        {
            for (var n = 0; n < 3; n++)
            {
                await server.CreateNamespaceAsync(StoreSeeder.Namespace(n * NamespaceSize, NamespaceSize), ct);
            }

            var created = await HttpDriver.SendAsync(
                server.Http,
                HttpDriver.WithBody(HttpMethod.Post, ResourceKind.ConfigMaps.Path(templateNamespace), ObjectBodies.ConfigMap(templateNamespace, StoreSeeder.TemplateName)),
                ct);
            Assert.Equal(201, created.StatusCode);
        }

        var bytes = StoreSeeder.Seed(Path.Combine(dataDir, StoreOptions.DatabaseFileName), templateNamespace, Count, NamespaceSize);
        Assert.True(bytes > Count * 2000, $"{bytes} bytes for {Count} objects of about 2 KiB");

        await using (var restarted = await ServerUnderTest.StartProcessAsync(_workDir, ct, dataDir))
        {
            await ServesTheSeededStoreAsync(restarted, templateNamespace, ct);
        }

        // Counted once the server has stopped: after a write it may still compact the log on its writer thread.
        var database = Path.Combine(dataDir, StoreOptions.DatabaseFileName);
        Assert.Equal(Count, Rows(database, $"revision > {StoreSeeder.RevisionBase} AND revision <= {StoreSeeder.RevisionBase + Count}"));
        Assert.Equal(Rows(database, "1 = 1"), StoreSeeder.ReadAllRows(database));
    }

    private static async Task ServesTheSeededStoreAsync(ServerUnderTest restarted, string templateNamespace, CancellationToken ct)
    {
        var uids = new HashSet<string>();
        for (var i = 0; i < Count; i++)
        {
            var ns = StoreSeeder.Namespace(i, NamespaceSize);
            var (status, body) = await HttpDriver.SendForBodyAsync(
                restarted.Http, HttpDriver.Get($"{ResourceKind.ConfigMaps.Path(ns)}/{StoreSeeder.Name(i)}"), ct);
            Assert.Equal(200, status);
            using var json = JsonDocument.Parse(body);
            var metadata = json.RootElement.GetProperty("metadata");
            Assert.Equal(StoreSeeder.Name(i), metadata.GetProperty("name").GetString());
            Assert.Equal(ns, metadata.GetProperty("namespace").GetString());
            Assert.Equal((StoreSeeder.RevisionBase + 1 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), metadata.GetProperty("resourceVersion").GetString());
            Assert.True(uids.Add(metadata.GetProperty("uid").GetString()!));
        }

        // The template is gone; a namespace lists exactly its seeded objects; a new write goes above every seeded revision.
        var (gone, _) = await HttpDriver.SendForBodyAsync(
            restarted.Http, HttpDriver.Get($"{ResourceKind.ConfigMaps.Path(templateNamespace)}/{StoreSeeder.TemplateName}"), ct);
        Assert.Equal(404, gone);
        var (_, list) = await HttpDriver.SendForBodyAsync(restarted.Http, HttpDriver.Get(ResourceKind.ConfigMaps.Path(StoreSeeder.Namespace(20, NamespaceSize))), ct);
        using (var items = JsonDocument.Parse(list))
        {
            Assert.Equal(Count - 20, items.RootElement.GetProperty("items").GetArrayLength());
        }

        var (createdStatus, createdBody) = await HttpDriver.SendForBodyAsync(
            restarted.Http,
            HttpDriver.WithBody(HttpMethod.Post, ResourceKind.ConfigMaps.Path(templateNamespace), ObjectBodies.ConfigMap(templateNamespace, "after-restart")),
            ct);
        Assert.Equal(201, createdStatus);
        Assert.True(long.Parse(JsonScan.ResourceVersionText(createdBody)!, System.Globalization.CultureInfo.InvariantCulture) > StoreSeeder.RevisionBase + Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_workDir))
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    private static long Rows(string database, string where)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log WHERE " + where;
        return (long)command.ExecuteScalar()!;
    }
}
