namespace FakeApiServer.Storage.Tests;

public sealed class RevisionedStoreWriteTests : StoreTestBase
{
    [Fact]
    public async Task New_store_starts_at_revision_zero()
    {
        await using var store = await OpenInMemoryAsync();

        Assert.Equal(0, store.CurrentRevision);
        Assert.Equal(0, store.CompactedRevision);
        Assert.Equal(0, store.Latest.Revision);
        Assert.Null(store.Latest.Get("a"));
    }

    [Fact]
    public async Task Create_assigns_the_next_revision_and_passes_it_to_encode()
    {
        await using var store = await OpenInMemoryAsync();

        var first = await CreateAsync(store, "/a", "one");
        var second = await CreateAsync(store, "/b", "two");

        Assert.Equal(WriteStatus.Ok, first.Status);
        Assert.Equal(new StoredObject("/a", 1, 1, first.Object!.Value), first.Object);
        Assert.Equal("one@1", Text(first.Object));
        Assert.Equal(2, second.Object!.Revision);
        Assert.Equal(2, store.CurrentRevision);
        Assert.Equal("two@2", Text(store.Latest.Get("/b")));
    }

    [Fact]
    public async Task Create_of_existing_key_returns_already_exists_and_burns_no_revision()
    {
        await using var store = await OpenInMemoryAsync();
        var created = await CreateAsync(store, "/a");

        var again = await CreateAsync(store, "/a", "other");

        Assert.Equal(WriteStatus.AlreadyExists, again.Status);
        Assert.Equal(created.Object, again.Object);
        Assert.Equal(1, store.CurrentRevision);
    }

    [Fact]
    public async Task Update_with_stale_revision_returns_conflict()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");
        var updated = await UpdateAsync(store, "/a", 1, "new");

        var stale = await UpdateAsync(store, "/a", 1, "stale");

        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Equal(updated.Object, stale.Object);
        Assert.Equal(2, store.CurrentRevision);
        Assert.Equal("new@2", Text(store.Latest.Get("/a")));
    }

    [Fact]
    public async Task Update_with_current_or_any_revision_succeeds_and_keeps_create_revision()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/other");
        await CreateAsync(store, "/a");

        var exact = await UpdateAsync(store, "/a", 2, "exact");
        var any = await UpdateAsync(store, "/a", 0, "any");

        Assert.Equal(WriteStatus.Ok, exact.Status);
        Assert.Equal(new StoredObject("/a", 4, 2, any.Object!.Value), any.Object);
        Assert.Equal("any@4", Text(store.Latest.Get("/a")));
    }

    [Fact]
    public async Task Update_and_delete_of_missing_key_return_not_found_and_burn_no_revision()
    {
        await using var store = await OpenInMemoryAsync();

        var update = await UpdateAsync(store, "/missing", 0);
        var delete = await DeleteAsync(store, "/missing");

        Assert.Equal(new WriteResult(WriteStatus.NotFound, null), update);
        Assert.Equal(new WriteResult(WriteStatus.NotFound, null), delete);
        Assert.Equal(0, store.CurrentRevision);
    }

    [Fact]
    public async Task Delete_with_stale_revision_returns_conflict_and_keeps_the_key()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");
        await UpdateAsync(store, "/a", 0);

        var stale = await DeleteAsync(store, "/a", expectedRevision: 1);

        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.NotNull(store.Latest.Get("/a"));
    }

    [Fact]
    public async Task Delete_returns_the_last_state_at_the_delete_revision_and_removes_the_key()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");

        var deleted = await DeleteAsync(store, "/a", expectedRevision: 1);

        Assert.Equal(WriteStatus.Ok, deleted.Status);
        Assert.Equal(2, deleted.Object!.Revision);
        Assert.Equal(1, deleted.Object.CreateRevision);
        Assert.Equal("deleted@2", Text(deleted.Object));
        Assert.Null(store.Latest.Get("/a"));
        Assert.Equal(2, store.CurrentRevision);
    }

    [Fact]
    public async Task Queued_writes_apply_in_order_and_see_earlier_writes_of_the_same_batch()
    {
        await using var store = await OpenInMemoryAsync();

        // Not awaited one by one: these are queued together and usually land in one batch.
        var writes = new[]
        {
            CreateAsync(store, "/a", "c").AsTask(),
            UpdateAsync(store, "/a", 1, "u").AsTask(),
            DeleteAsync(store, "/a", 2).AsTask(),
            CreateAsync(store, "/a", "again").AsTask(),
            UpdateAsync(store, "/a", 1, "stale").AsTask(),
        };
        var results = await Task.WhenAll(writes);

        Assert.Equal(
            [WriteStatus.Ok, WriteStatus.Ok, WriteStatus.Ok, WriteStatus.Ok, WriteStatus.Conflict],
            results.Select(r => r.Status));
        Assert.Equal([1L, 2, 3, 4, 4], results.Select(r => r.Object!.Revision));
        Assert.Equal(4, results[3].Object!.CreateRevision);
        Assert.Equal("again@4", Text(store.Latest.Get("/a")));
    }

    [Fact]
    public async Task Concurrent_writes_commit_in_fewer_transactions_than_writes()
    {
        const int Writes = 200;
        await using var store = await OpenOnDiskAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Writes).Select(i => CreateAsync(store, $"/k{i:D3}").AsTask()));

        Assert.All(results, r => Assert.Equal(WriteStatus.Ok, r.Status));
        Assert.Equal(Enumerable.Range(1, Writes).Select(i => (long)i), results.Select(r => r.Object!.Revision).Order());
        Assert.Equal(Writes, store.CurrentRevision);
        Assert.InRange(store.CommittedBatches, 1, Writes - 1);
    }

    [Fact]
    public async Task Precondition_failures_need_no_transaction()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a");
        var before = store.CommittedBatches;

        await CreateAsync(store, "/a");
        await UpdateAsync(store, "/missing", 0);

        Assert.Equal(before, store.CommittedBatches);
    }

    [Fact]
    public async Task Failed_commit_fails_the_batch_and_leaves_the_state_as_before()
    {
        var log = new FailingRevisionLog();
        await using var store = await RevisionedStore.OpenAsync(new StoreOptions(), log, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, Ct);
        await CreateAsync(store, "/a");
        using var watch = store.Watch(string.Empty, store.CurrentRevision)!;

        log.Fail = true;
        var failure = await Assert.ThrowsAsync<StorageException>(async () => await UpdateAsync(store, "/a", 0, "lost"));
        await Assert.ThrowsAsync<StorageException>(async () => await CreateAsync(store, "/b"));
        log.Fail = false;
        var next = await CreateAsync(store, "/c");

        Assert.IsType<IOException>(failure.InnerException);
        Assert.StartsWith("committing to the revision log failed: ", failure.Message, StringComparison.Ordinal);
        Assert.Equal("v@1", Text(store.Latest.Get("/a")));
        Assert.Null(store.Latest.Get("/b"));
        Assert.Equal(2, next.Object!.Revision);
        var events = await ReadAsync(watch, 1);
        Assert.Equal("/c", events[0].Object.Key);
    }

    [Fact]
    public async Task Encoder_failure_fails_only_that_write_and_burns_no_revision()
    {
        await using var store = await OpenInMemoryAsync();

        var failing = store.WriteAsync(new WriteRequest("/bad", WriteKind.Create, 0, _ => throw new InvalidOperationException("boom")), Ct).AsTask();
        var good = CreateAsync(store, "/good").AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(1, (await good).Object!.Revision);
        Assert.Null(store.Latest.Get("/bad"));
    }

    [Fact]
    public async Task Write_with_cancelled_token_is_not_applied()
    {
        await using var store = await OpenInMemoryAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await store.WriteAsync(new WriteRequest("/a", WriteKind.Create, 0, Encode("v")), cancelled.Token));

        Assert.Equal(0, store.CurrentRevision);
    }

    [Fact]
    public async Task Write_after_dispose_throws_object_disposed()
    {
        var store = await OpenInMemoryAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await CreateAsync(store, "/a"));
    }

    [Fact]
    public async Task Dispose_commits_writes_already_queued()
    {
        var store = await OpenOnDiskAsync();
        var pending = Enumerable.Range(0, 50).Select(i => CreateAsync(store, $"/k{i}").AsTask()).ToList();

        await store.DisposeAsync();

        Assert.All(await Task.WhenAll(pending), r => Assert.Equal(WriteStatus.Ok, r.Status));
        await using var reopened = await OpenOnDiskAsync();
        Assert.Equal(50, reopened.Latest.Count);
    }

    [Fact]
    public async Task Invalid_options_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RevisionedStore.OpenAsync(
            new StoreOptions { HistoryWindow = 0 }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, Ct));
    }

    /// <summary>A log whose commits can be made to fail, like a full disk.</summary>
    private sealed class FailingRevisionLog : IRevisionLog
    {
        public volatile bool Fail;

        public RestoredLog Load(int historyWindow) => RestoredLog.Empty;

        public void Append(IReadOnlyList<WatchEvent> events, long compactedRevision)
        {
            if (Fail)
            {
                throw new IOException("disk full");
            }
        }

        public void Dispose()
        {
        }
    }
}
