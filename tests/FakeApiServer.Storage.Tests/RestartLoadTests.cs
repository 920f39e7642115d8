namespace FakeApiServer.Storage.Tests;

/// <summary>
/// What a restart reads back from the log (CurrentVersionsReader and the history): exactly the newest version of every
/// existing key, whatever the log holds besides (older versions, deletes, keys deleted and created again), values of any
/// size, and watch history whose versions are the restored objects themselves.
/// </summary>
public sealed class RestartLoadTests : StoreTestBase
{
    [Fact]
    public async Task Restart_restores_the_newest_version_of_each_key_past_older_versions_and_deletes()
    {
        // No log compaction: every older version and every delete row is still in the log when it is read back.
        await using (var store = await OpenOnDiskAsync(historyWindow: 3, logCompactionInterval: 1_000_000))
        {
            await CreateAsync(store, "/a", "a1");        // 1
            await CreateAsync(store, "/b", "b1");        // 2
            await UpdateAsync(store, "/a", 0, "a2");     // 3
            await DeleteAsync(store, "/b");              // 4
            await CreateAsync(store, "/c", "c1");        // 5
            await UpdateAsync(store, "/a", 0, "a3");     // 6
            await DeleteAsync(store, "/c");              // 7
            await CreateAsync(store, "/c", "c2");        // 8
            await CreateAsync(store, "/d", "d1");        // 9
            await DeleteAsync(store, "/d");              // 10
            await CreateAsync(store, "/e", "e1");        // 11
        }

        await using var reopened = await OpenOnDiskAsync(historyWindow: 3);

        Assert.Equal(
            [new StoredObject("/a", 6, 1, "a3@6"u8.ToArray()), new StoredObject("/c", 8, 8, "c2@8"u8.ToArray()), new StoredObject("/e", 11, 11, "e1@11"u8.ToArray())],
            reopened.Latest.Range(string.Empty),
            StoredObjectComparer.Instance);
        Assert.Null(reopened.Latest.Get("/b"));
        Assert.Null(reopened.Latest.Get("/d"));
        Assert.Equal(11, reopened.CurrentRevision);
        Assert.Equal(8, reopened.CompactedRevision);
        Assert.Equal(["/a", "/c", "/d"], reopened.SnapshotAt(9)!.Range(string.Empty).Select(o => o.Key));
        Assert.Equal(12, (await CreateAsync(reopened, "/f")).Object!.Revision);
    }

    [Fact]
    public async Task Restart_restores_more_objects_than_one_staging_chunk_and_values_of_every_size()
    {
        const int Count = 3_000;
        var large = new string('L', (1 << 20) + 5_000);
        var medium = new string('M', 700_000);
        await using (var store = await OpenOnDiskAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, Count).Select(i => CreateAsync(store, $"/objects/{i:D5}", new string('v', i % 997)).AsTask()));
            await CreateAsync(store, "/values/large", large);
            await CreateAsync(store, "/values/medium-1", medium);
            await CreateAsync(store, "/values/medium-2", medium);
            await store.WriteAsync(new WriteRequest("/values/empty", WriteKind.Create, 0, _ => []), Ct);
        }

        await using var reopened = await OpenOnDiskAsync();

        var objects = reopened.Latest.Range("/objects/").ToList();
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"/objects/{i:D5}"), objects.Select(o => o.Key));
        Assert.All(objects, o => Assert.Equal($"{new string('v', int.Parse(o.Key[9..], System.Globalization.CultureInfo.InvariantCulture) % 997)}@{o.Revision}", Text(o)));
        Assert.Equal(Count, objects.Select(o => o.Revision).Distinct().Count());
        Assert.Equal($"{large}@{Count + 1}", Text(reopened.Latest.Get("/values/large")));
        Assert.Equal($"{medium}@{Count + 2}", Text(reopened.Latest.Get("/values/medium-1")));
        Assert.Equal($"{medium}@{Count + 3}", Text(reopened.Latest.Get("/values/medium-2")));
        Assert.Empty(reopened.Latest.Get("/values/empty")!.Value);
        Assert.Equal(Count + 4, reopened.CurrentRevision);
    }

    [Fact]
    public async Task Restart_restores_keys_beyond_ascii_in_ordinal_order()
    {
        string[] keys = ["/k/\U0001F600", "/k/\uFFFD", "/k/z", "/k/\u00E9", "/k/\uE000", "/k/a"];
        await using (var store = await OpenOnDiskAsync())
        {
            foreach (var key in keys)
            {
                await CreateAsync(store, key, key);
            }
        }

        await using var reopened = await OpenOnDiskAsync();

        Assert.Equal(keys.Order(StringComparer.Ordinal), reopened.Latest.Range("/k/").Select(o => o.Key));
        Assert.All(keys, key => Assert.Equal(key, Text(reopened.Latest.Get(key)).Split('@')[0]));
    }

    [Fact]
    public async Task Restored_history_events_hold_the_restored_objects_and_each_version_once()
    {
        await using (var store = await OpenOnDiskAsync(historyWindow: 4, logCompactionInterval: 1_000_000))
        {
            await CreateAsync(store, "/a", "a1");        // 1
            await CreateAsync(store, "/b", "b1");        // 2
            await UpdateAsync(store, "/a", 0, "a2");     // 3
            await UpdateAsync(store, "/a", 0, "a3");     // 4
            await DeleteAsync(store, "/b");              // 5
            await CreateAsync(store, "/c", "c1");        // 6
        }

        await using var reopened = await OpenOnDiskAsync(historyWindow: 4);
        using var watch = reopened.Watch(string.Empty, 2)!;
        var events = await ReadAsync(watch, 4);

        Assert.Equal([WatchEventType.Modified, WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Created], events.Select(e => e.Type));
        Assert.Equal(["a2@3", "a3@4", "deleted@5", "c1@6"], events.Select(e => Text(e.Object)));
        Assert.Equal(["a1@1", "a2@3", "b1@2", "<none>"], events.Select(e => Text(e.Previous)));
        Assert.Same(reopened.Latest.Get("/a"), events[1].Object);
        Assert.Same(reopened.Latest.Get("/c"), events[3].Object);
        Assert.Same(events[0].Object, events[1].Previous);
    }

    [Fact]
    public async Task The_restored_snapshot_at_the_compacted_revision_serves_older_reads_and_later_compactions()
    {
        await using (var store = await OpenOnDiskAsync(historyWindow: 3))
        {
            await CreateAsync(store, "/a", "a1");        // 1
            await CreateAsync(store, "/b", "b1");        // 2
            await UpdateAsync(store, "/a", 0, "a2");     // 3
            await DeleteAsync(store, "/b");              // 4
            await CreateAsync(store, "/c", "c1");        // 5
        }

        await using var reopened = await OpenOnDiskAsync(historyWindow: 3);
        Assert.Equal(["a1@1", "b1@2"], reopened.SnapshotAt(2)!.Range(string.Empty).Select(Text));

        await UpdateAsync(reopened, "/c", 0, "c2");      // 6: the window moves to (3, 6]
        await CreateAsync(reopened, "/d", "d1");         // 7: (4, 7]

        Assert.Equal(4, reopened.CompactedRevision);
        Assert.Null(reopened.SnapshotAt(3));
        Assert.Equal(["a2@3"], reopened.SnapshotAt(4)!.Range(string.Empty).Select(Text));
        Assert.Equal(["a2@3", "c1@5"], reopened.SnapshotAt(5)!.Range(string.Empty).Select(Text));
        Assert.Equal(["a2@3", "c2@6", "d1@7"], reopened.Latest.Range(string.Empty).Select(Text));
    }
}
