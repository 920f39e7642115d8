using Microsoft.Data.Sqlite;

namespace FakeApiServer.Storage.Tests;

public sealed class PersistenceTests : StoreTestBase
{
    [Fact]
    public async Task Open_creates_the_data_directory_and_the_database_file()
    {
        await using (var store = await OpenOnDiskAsync())
        {
            await CreateAsync(store, "/a");
        }

        Assert.True(File.Exists(Path.Combine(DataDirectory, StoreOptions.DatabaseFileName)));
    }

    [Fact]
    public async Task A_database_file_of_garbage_fails_the_open_with_one_line_and_stays_untouched()
    {
        Directory.CreateDirectory(DataDirectory);
        var path = Path.Combine(DataDirectory, StoreOptions.DatabaseFileName);
        var garbage = new byte[16 * 1024];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage, Ct);

        var error = await Assert.ThrowsAsync<StorageException>(() => OpenOnDiskAsync());

        Assert.Equal($"cannot open the database {path}: SQLite Error 26: 'file is not a database'.", error.Message);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task Restart_restores_objects_and_continues_revisions()
    {
        await using (var store = await OpenOnDiskAsync())
        {
            await CreateAsync(store, "/a", "a");
            await CreateAsync(store, "/b", "b");
            await UpdateAsync(store, "/a", 1, "a2");
        }

        await using var reopened = await OpenOnDiskAsync();
        var next = await CreateAsync(reopened, "/c");

        Assert.Equal(["/a", "/b", "/c"], reopened.Latest.Range(string.Empty).Select(o => o.Key));
        Assert.Equal(new StoredObject("/a", 3, 1, reopened.Latest.Get("/a")!.Value), reopened.Latest.Get("/a"));
        Assert.Equal("a2@3", Text(reopened.Latest.Get("/a")));
        Assert.Equal(4, next.Object!.Revision);
    }

    [Fact]
    public async Task Restart_returns_objects_in_key_order_when_bulk_creates_in_key_order_are_interleaved_with_others()
    {
        // Two long runs of creates in key order (each sorts apart from the other) among single creates out of order:
        // the restart merges the runs rather than sorting, and a client must see the same key order either way.
        var keys = new List<string> { "/z", "/m" };
        keys.AddRange(Enumerable.Range(0, 5000).Select(i => $"/bulk-b/{i:D5}"));
        keys.AddRange(["/c", "/bulk-b/00100x", "/y"]);
        keys.AddRange(Enumerable.Range(0, 5000).Select(i => $"/a-bulk/{i:D5}"));
        keys.Add("/b");
        await using (var store = await OpenOnDiskAsync())
        {
            await Task.WhenAll(keys.Select(key => CreateAsync(store, key).AsTask()).ToList());
        }

        await using var reopened = await OpenOnDiskAsync();

        Assert.Equal(keys.Order(StringComparer.Ordinal), reopened.Latest.Range(string.Empty).Select(o => o.Key));
    }

    [Fact]
    public async Task Restart_restores_the_newest_version_of_keys_written_out_of_order_deleted_and_recreated()
    {
        await using (var store = await OpenOnDiskAsync())
        {
            await CreateAsync(store, "/c", "c1");
            await CreateAsync(store, "/a", "a1");
            await CreateAsync(store, "/b", "b1");
            await UpdateAsync(store, "/a", 0, "a2");
            await DeleteAsync(store, "/c");
            await CreateAsync(store, "/d", "d1");
            await DeleteAsync(store, "/d");
            await CreateAsync(store, "/c", "c2");
            await UpdateAsync(store, "/b", 0, "b2");
        }

        await using var reopened = await OpenOnDiskAsync();

        Assert.Equal(["/a", "/b", "/c"], reopened.Latest.Range(string.Empty).Select(o => o.Key));
        Assert.Equal(["a2@4", "b2@9", "c2@8"], reopened.Latest.Range(string.Empty).Select(Text));
        Assert.Equal(8, reopened.Latest.Get("/c")!.CreateRevision);
        Assert.Equal(10, (await CreateAsync(reopened, "/d")).Object!.Revision);
    }

    [Fact]
    public async Task A_log_written_with_the_former_key_index_restarts_and_keeps_writing()
    {
        await using (var store = await OpenOnDiskAsync())
        {
            await CreateAsync(store, "/b", "b1");
            await CreateAsync(store, "/a", "a1");
            await UpdateAsync(store, "/b", 0, "b2");
        }

        // Earlier versions kept a (key, revision) index; a restart drops it and reads the table alone.
        ExecuteOnDatabaseFile("CREATE INDEX log_key_revision ON log (key, revision)");

        await using var reopened = await OpenOnDiskAsync();
        await UpdateAsync(reopened, "/a", 0, "a2");

        Assert.Equal(["b2@3", "a2@4"], new[] { "/b", "/a" }.Select(key => Text(reopened.Latest.Get(key))));
    }

    [Fact]
    public async Task Values_larger_than_a_page_survive_updates_compaction_and_a_restart()
    {
        // 2.2 KB (the size the benchmarks write) and 9 KB: both longer than a page of a new log, so they live in overflow pages.
        var medium = new string('m', 2_200);
        var large = new string('l', 9_000);
        await using (var store = await OpenOnDiskAsync(historyWindow: 1, logCompactionInterval: 1))
        {
            await CreateAsync(store, "/a", medium);
            await CreateAsync(store, "/b", large);
            for (var i = 0; i < 20; i++)
            {
                await UpdateAsync(store, "/a", 0, medium + i);
                await UpdateAsync(store, "/b", 0, large + i);
            }
        }

        await using var reopened = await OpenOnDiskAsync();

        Assert.Equal([$"{medium}19@41", $"{large}19@42"], new[] { "/a", "/b" }.Select(key => Text(reopened.Latest.Get(key))));
    }

    [Fact]
    public async Task A_log_created_with_the_former_4_KiB_pages_restarts_and_keeps_writing()
    {
        // Earlier versions created the database with SQLite's default 4 KiB pages; a page size is fixed once a file has pages.
        Directory.CreateDirectory(DataDirectory);
        ExecuteOnDatabaseFile("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE placeholder (x INTEGER);");

        var value = new string('v', 2_200);
        await using (var store = await OpenOnDiskAsync())
        {
            await CreateAsync(store, "/a", value);
        }

        await using var reopened = await OpenOnDiskAsync();
        await UpdateAsync(reopened, "/a", 0, value + "2");

        Assert.Equal($"{value}2@2", Text(reopened.Latest.Get("/a")));
    }

    [Fact]
    public async Task Restart_after_deletes_continues_above_the_deleted_revisions()
    {
        await using (var store = await OpenOnDiskAsync(historyWindow: 1, logCompactionInterval: 1))
        {
            await CreateAsync(store, "/a");
            await CreateAsync(store, "/b");
            await DeleteAsync(store, "/a");
            await DeleteAsync(store, "/b");
        }

        await using var reopened = await OpenOnDiskAsync(historyWindow: 2);

        Assert.Equal(4, reopened.CurrentRevision);
        Assert.Empty(reopened.Latest.Range(string.Empty));
        Assert.Equal(5, (await CreateAsync(reopened, "/a")).Object!.Revision);
    }

    [Fact]
    public async Task Restart_restores_history_for_watch_resume_and_the_compacted_revision()
    {
        await using (var store = await OpenOnDiskAsync(historyWindow: 3))
        {
            await CreateAsync(store, "/a");
            await CreateAsync(store, "/b");
            await UpdateAsync(store, "/a", 0, "u");
            await DeleteAsync(store, "/b");
            await CreateAsync(store, "/c");
        }

        await using var reopened = await OpenOnDiskAsync(historyWindow: 3);

        Assert.Equal(2, reopened.CompactedRevision);
        Assert.Null(reopened.Watch(string.Empty, 1));
        Assert.Equal(["/a", "/b"], reopened.SnapshotAt(2)!.Range(string.Empty).Select(o => o.Key));
        Assert.Equal(["/a"], reopened.SnapshotAt(4)!.Range(string.Empty).Select(o => o.Key));

        using var watch = reopened.Watch(string.Empty, 2)!;
        await UpdateAsync(reopened, "/c", 0);
        var events = await ReadAsync(watch, 4);

        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Created, WatchEventType.Modified], events.Select(e => e.Type));
        Assert.Equal([3L, 4, 5, 6], events.Select(e => e.Revision));
        Assert.Equal(1, events[0].Previous!.Revision);
        Assert.Equal(2, events[1].Previous!.Revision);
        Assert.Null(events[2].Previous);
        Assert.Equal(3, reopened.CompactedRevision);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(3)] // each pass spread over the appends that follow it, a few revisions at a time
    public async Task Log_compaction_deletes_superseded_rows_and_keeps_what_restart_needs(int logCompactionSlice)
    {
        const int Updates = 300;

        // A pass not yet finished leaves at most one more interval behind.
        var lag = logCompactionSlice < 50 ? 50 : 0;
        await using (var store = await OpenOnDiskAsync(historyWindow: 10, logCompactionInterval: 50, logCompactionSlice: logCompactionSlice))
        {
            await CreateAsync(store, "/kept");
            await CreateAsync(store, "/gone");
            await DeleteAsync(store, "/gone");
            await CreateAsync(store, "/hot");
            for (var i = 0; i < Updates; i++)
            {
                await UpdateAsync(store, "/hot", 0, $"v{i}");
            }
        }

        Assert.InRange(CountRows(), 10, 10 + 50 + lag + 2);
        await using var reopened = await OpenOnDiskAsync(historyWindow: 1_000);

        // A larger window after restart cannot reach below what was compacted on disk.
        Assert.InRange(reopened.CompactedRevision, Updates + 4 - 10 - 50 - lag, Updates + 4 - 10);
        Assert.Equal(["/hot", "/kept"], reopened.Latest.Range(string.Empty).Select(o => o.Key));
        Assert.Equal($"v{Updates - 1}@{Updates + 4}", Text(reopened.Latest.Get("/hot")));
        using var watch = reopened.Watch(string.Empty, reopened.CompactedRevision)!;
        var expected = (int)(reopened.CurrentRevision - reopened.CompactedRevision);
        var events = await ReadAsync(watch, expected);
        Assert.Equal(reopened.CurrentRevision, events[^1].Revision);
        Assert.All(events, e => Assert.NotNull(e.Previous));
    }

    [Fact]
    public async Task In_memory_store_writes_no_files()
    {
        var before = Directory.GetFiles(Environment.CurrentDirectory, "*.db*", SearchOption.AllDirectories);

        await using (var store = await OpenInMemoryAsync())
        {
            Assert.IsType<NullRevisionLog>(store.RevisionLog);
            await CreateAsync(store, "/a");
        }

        Assert.Equal(before, Directory.GetFiles(Environment.CurrentDirectory, "*.db*", SearchOption.AllDirectories));
        await using var again = await OpenInMemoryAsync();
        Assert.Equal(0, again.CurrentRevision);
    }

    [Fact]
    public async Task Acknowledged_writes_are_in_the_database_before_the_store_is_closed()
    {
        await using var store = await OpenOnDiskAsync();
        await CreateAsync(store, "/a");
        await CreateAsync(store, "/b");

        // A second connection sees exactly the acknowledged writes while the store is still open.
        Assert.Equal(2, CountRows());
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_crash_that_leaves_the_files_as_they_are()
    {
        await using var store = await OpenOnDiskAsync();
        await CreateAsync(store, "/a");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => UpdateAsync(store, "/a", 0, $"v{i}").AsTask()));
        var acknowledged = store.Latest.Get("/a");

        // Copying the files of the open store is what kill -9 leaves behind: no checkpoint, no clean close.
        var crashed = Path.Combine(DataDirectory, "crashed");
        Directory.CreateDirectory(crashed);
        foreach (var suffix in new[] { string.Empty, "-wal" })
        {
            var source = Path.Combine(DataDirectory, StoreOptions.DatabaseFileName + suffix);
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var output = File.Create(Path.Combine(crashed, StoreOptions.DatabaseFileName + suffix));
            await input.CopyToAsync(output, Ct);
        }

        await using var recovered = await RevisionedStore.OpenAsync(
            new StoreOptions { DataDirectory = crashed }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, Ct);
        Assert.Equal(21, recovered.CurrentRevision);
        Assert.Equal(acknowledged, recovered.Latest.Get("/a"), StoredObjectComparer.Instance);
    }

    private long CountRows()
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, StoreOptions.DatabaseFileName),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log";
        return (long)command.ExecuteScalar()!;
    }

    // Runs sql on the store's database file directly, as another program (or an earlier version) would.
    private void ExecuteOnDatabaseFile(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, StoreOptions.DatabaseFileName),
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>Compares stored objects by content (the record compares the byte arrays by reference).</summary>
internal sealed class StoredObjectComparer : IEqualityComparer<StoredObject?>
{
    public static StoredObjectComparer Instance { get; } = new();

    public bool Equals(StoredObject? x, StoredObject? y) =>
        x is null || y is null ? x == y : x.Key == y.Key && x.Revision == y.Revision && x.CreateRevision == y.CreateRevision && x.Value.AsSpan().SequenceEqual(y.Value);

    public int GetHashCode(StoredObject? obj) => obj?.Key.GetHashCode(StringComparison.Ordinal) ?? 0;
}
