namespace FakeApiServer.Storage.Tests;

public sealed class WatchTests : StoreTestBase
{
    [Fact]
    public async Task Watch_replays_the_backlog_then_streams_live_events()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");
        await UpdateAsync(store, "/a", 1, "u");
        using var watch = store.Watch(string.Empty, afterRevision: 1)!;

        await DeleteAsync(store, "/a");
        var events = await ReadAsync(watch, 2);

        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal([2L, 3], events.Select(e => e.Revision));
        Assert.Equal(1, events[0].Previous!.Revision);
        Assert.Equal("u@2", Text(events[1].Previous));
        Assert.Equal("deleted@3", Text(events[1].Object));
    }

    [Fact]
    public async Task Watch_filters_by_key_prefix()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/pods/a");
        await CreateAsync(store, "/services/a");
        using var watch = store.Watch("/pods/", afterRevision: 0)!;

        await CreateAsync(store, "/services/b");
        await CreateAsync(store, "/pods/b");
        var events = await ReadAsync(watch, 2);

        Assert.Equal(["/pods/a", "/pods/b"], events.Select(e => e.Object.Key));
        Assert.Equal([1L, 4], events.Select(e => e.Revision));
    }

    [Fact]
    public async Task Watch_from_a_compacted_revision_returns_null()
    {
        await using var store = await OpenInMemoryAsync(historyWindow: 2);
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(store, $"/k{i}");
        }

        Assert.Equal(3, store.CompactedRevision);
        Assert.Null(store.Watch(string.Empty, 2));
        using var fromCompacted = store.Watch(string.Empty, 3);
        Assert.NotNull(fromCompacted);
        Assert.Equal([4L, 5], (await ReadAsync(fromCompacted, 2)).Select(e => e.Revision));
    }

    [Fact]
    public async Task Watch_with_concurrent_writers_has_no_gaps_or_duplicates()
    {
        const int Writers = 8;
        const int WritesPerWriter = 250;
        const int Total = Writers * WritesPerWriter;
        await using var store = await OpenInMemoryAsync();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < WritesPerWriter; i++)
                {
                    await CreateAsync(store, $"/w{w}/{i}");
                }
            },
            Ct)).ToList();

        // Watchers join at different moments while writes are in flight; each must see every revision after its start.
        var watches = new List<(long After, WatchSubscription Subscription)>();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(2, Ct);
            var after = store.CurrentRevision / 2;
            watches.Add((after, store.Watch(string.Empty, after)!));
        }

        await Task.WhenAll(writers);
        foreach (var (after, subscription) in watches)
        {
            using (subscription)
            {
                var events = await ReadAsync(subscription, (int)(Total - after));
                Assert.Equal(Enumerable.Range((int)after + 1, Total - (int)after).Select(r => (long)r), events.Select(e => e.Revision));
            }
        }
    }

    [Fact]
    public async Task Slow_watcher_overflows_and_is_closed_while_writes_and_other_watchers_proceed()
    {
        await using var store = await OpenInMemoryAsync(watcherQueueCapacity: 10);
        using var slow = store.Watch(string.Empty, 0)!;
        using var fast = store.Watch(string.Empty, 0)!;
        using var unrelated = store.Watch("/other/", 0)!;

        var fastEvents = new List<WatchEvent>();
        await using var fastReader = fast.ReadAllAsync(Ct).GetAsyncEnumerator(Ct);
        for (var i = 0; i < 50; i++)
        {
            await CreateAsync(store, $"/k{i}");
            Assert.True(await fastReader.MoveNextAsync());
            fastEvents.Add(fastReader.Current);
        }

        Assert.Equal(50, store.CurrentRevision);
        Assert.True(slow.Overflowed);
        Assert.Empty(await ReadAsync(slow, int.MaxValue));
        Assert.False(fast.Overflowed);
        Assert.Equal(Enumerable.Range(1, 50).Select(r => (long)r), fastEvents.Select(e => e.Revision));
        Assert.False(unrelated.Overflowed);
    }

    [Fact]
    public async Task TryRead_takes_the_backlog_then_every_queued_live_event_in_order_and_WaitToReadAsync_ends_after_an_overflow()
    {
        await using var store = await OpenInMemoryAsync(watcherQueueCapacity: 3);
        await CreateAsync(store, "/a");
        await CreateAsync(store, "/b");
        using var watch = store.Watch(string.Empty, afterRevision: 0)!;
        await CreateAsync(store, "/c");
        await CreateAsync(store, "/d");

        Assert.True(await watch.WaitToReadAsync(Ct));
        var read = new List<long>();
        while (watch.TryRead(out var change))
        {
            read.Add(change.Revision);
        }

        Assert.Equal([1L, 2, 3, 4], read);
        Assert.False(watch.TryRead(out _));
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(store, $"/more{i}");
        }

        Assert.True(watch.Overflowed);
        Assert.False(watch.TryRead(out _));
        Assert.False(await watch.WaitToReadAsync(Ct));
    }

    [Fact]
    public async Task A_large_backlog_does_not_count_against_the_queue()
    {
        await using var store = await OpenInMemoryAsync(watcherQueueCapacity: 4);
        for (var i = 0; i < 20; i++)
        {
            await CreateAsync(store, $"/k{i}");
        }

        using var watch = store.Watch(string.Empty, 0)!;
        await CreateAsync(store, "/live");

        Assert.Equal(21, (await ReadAsync(watch, 21)).Count);
        Assert.False(watch.Overflowed);
    }

    [Fact]
    public async Task Disposing_the_store_ends_every_watch()
    {
        var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");
        using var watch = store.Watch(string.Empty, 0)!;
        var reading = ReadAsync(watch, int.MaxValue);

        await store.DisposeAsync();
        var events = await reading;

        Assert.Single(events);
        Assert.False(watch.Overflowed);
        Assert.Throws<ObjectDisposedException>(() => store.Watch(string.Empty, 0));
    }

    [Fact]
    public async Task Disposing_a_watch_ends_its_enumeration_and_leaves_the_hub()
    {
        await using var store = await OpenInMemoryAsync();
        var watch = store.Watch(string.Empty, 0)!;
        var reading = ReadAsync(watch, int.MaxValue);

        watch.Dispose();
        await CreateAsync(store, "/a");

        Assert.Empty(await reading);
    }

    [Fact]
    public async Task Cancelling_the_read_ends_the_enumeration_with_operation_cancelled()
    {
        await using var store = await OpenInMemoryAsync();
        using var watch = store.Watch(string.Empty, 0)!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var change in watch.ReadAllAsync(cancel.Token))
            {
                Assert.Fail($"unexpected event {change.Revision}");
            }
        });
    }
}
