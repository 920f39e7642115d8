namespace FakeApiServer.Storage.Tests;

public sealed class StoreSnapshotTests : StoreTestBase
{
    private static readonly string[] Keys =
    [
        "/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c", "/pods/ns2/a", "/pods/ns10/a", "/services/ns1/a", "/pods/ns1/B",
    ];

    [Fact]
    public async Task Range_returns_keys_with_the_prefix_in_ordinal_order()
    {
        await using var store = await SeedAsync();

        var keys = store.Latest.Range("/pods/ns1/").Select(o => o.Key);

        Assert.Equal(["/pods/ns1/B", "/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c"], keys);
        Assert.Equal(Keys.Order(StringComparer.Ordinal), store.Latest.Range(string.Empty).Select(o => o.Key));
    }

    [Theory]
    [InlineData("/pods/", "/pods/ns1/a", new[] { "/pods/ns1/b", "/pods/ns1/c", "/pods/ns10/a", "/pods/ns2/a" })]
    [InlineData("/pods/", "/pods/ns1/bb", new[] { "/pods/ns1/c", "/pods/ns10/a", "/pods/ns2/a" })]
    [InlineData("/pods/", "/a", new[] { "/pods/ns1/B", "/pods/ns1/a", "/pods/ns1/b", "/pods/ns1/c", "/pods/ns10/a", "/pods/ns2/a" })]
    [InlineData("/pods/", "/pods/ns2/a", new string[0])]
    [InlineData("/pods/", "/z", new string[0])]
    [InlineData("/nothing/", null, new string[0])]
    public async Task Range_starts_strictly_after_the_start_key(string prefix, string? startAfter, string[] expected)
    {
        await using var store = await SeedAsync();

        Assert.Equal(expected, store.Latest.Range(prefix, startAfter).Select(o => o.Key));
        Assert.Equal(expected.Length, store.Latest.CountRange(prefix, startAfter));
    }

    [Fact]
    public void A_snapshot_of_objects_in_any_order_holds_the_last_of_each_key_in_ordinal_order()
    {
        // Key order that UTF-8 bytes (SQLite's and etcd's) and UTF-16 code units (ordinal) disagree on: U+FF21 sorts
        // after a surrogate pair in UTF-16 but before it in UTF-8.
        string[] keys = ["/cm/ns/a", "/cm/ns/\uff21", "/cm/ns/\ud83d\ude00", "/cm/ns/B", "/cm/ns/\u00e9"];
        var sorted = keys.Order(StringComparer.Ordinal).Select((k, i) => new StoredObject(k, 10 + i, 10 + i, [(byte)i])).ToList();
        var shuffled = new[] { sorted[3], sorted[0], sorted[4], sorted[1], sorted[2] };
        var repeated = sorted.Concat([sorted[1] with { Revision = 99, Value = [99] }]).ToList();

        foreach (var objects in new[] { sorted, shuffled.ToList(), repeated })
        {
            var snapshot = StoreSnapshot.Of(objects, 100);

            Assert.Equal(keys.Order(StringComparer.Ordinal), snapshot.Range("/cm/").Select(o => o.Key));
            Assert.Equal(5, snapshot.Count);
            Assert.All(sorted.Skip(2), o => Assert.Same(o, snapshot.Get(o.Key)));
            Assert.Null(snapshot.Get("/cm/ns/c"));
            Assert.Equal(sorted.Skip(2).Select(o => o.Key), snapshot.Range("/cm/ns/", sorted[1].Key).Select(o => o.Key));
        }

        Assert.Equal(99, StoreSnapshot.Of(repeated, 100).Get(sorted[1].Key)!.Revision);
        Assert.Equal(11, StoreSnapshot.Of(sorted, 100).Get(sorted[1].Key)!.Revision);
    }

    [Fact]
    public async Task Range_handles_prefixes_ending_in_the_largest_character()
    {
        await using var store = await OpenInMemoryAsync();
        const string Max = "\uffff";
        foreach (var key in new[] { "a" + Max, "a" + Max + "x", "b", "a" })
        {
            await CreateAsync(store, key);
        }

        Assert.Equal(["a" + Max, "a" + Max + "x"], store.Latest.Range("a" + Max).Select(o => o.Key));
        Assert.Equal(3, store.Latest.CountRange("a"));
    }

    [Fact]
    public async Task Latest_snapshot_does_not_change_after_later_writes()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a", "old");
        var before = store.Latest;

        await UpdateAsync(store, "/a", 0, "new");
        await CreateAsync(store, "/b");

        Assert.Equal(1, before.Revision);
        Assert.Equal("old@1", Text(before.Get("/a")));
        Assert.Null(before.Get("/b"));
        Assert.Single(before.Range(string.Empty));
        Assert.Equal("new@2", Text(store.Latest.Get("/a")));
    }

    [Fact]
    public async Task SnapshotAt_an_older_revision_returns_the_state_as_of_that_revision()
    {
        await using var store = await OpenInMemoryAsync();
        await CreateAsync(store, "/a", "one");
        await CreateAsync(store, "/b", "two");
        await UpdateAsync(store, "/a", 0, "three");
        await DeleteAsync(store, "/b");

        var atTwo = store.SnapshotAt(2)!;
        var atZero = store.SnapshotAt(0)!;

        Assert.Equal(2, atTwo.Revision);
        Assert.Equal("one@1", Text(atTwo.Get("/a")));
        Assert.Equal("two@2", Text(atTwo.Get("/b")));
        Assert.Empty(atZero.Range(string.Empty));
        Assert.Same(store.Latest, store.SnapshotAt(4));
    }

    [Fact]
    public async Task SnapshotAt_a_compacted_or_future_revision_returns_null()
    {
        await using var store = await OpenInMemoryAsync(historyWindow: 3);
        for (var i = 0; i < 10; i++)
        {
            await CreateAsync(store, $"/k{i}");
        }

        Assert.Equal(7, store.CompactedRevision);
        Assert.Null(store.SnapshotAt(6));
        Assert.Null(store.SnapshotAt(11));
        Assert.Equal(7, store.SnapshotAt(7)!.Count);
    }

    [Fact]
    public async Task SnapshotAt_every_revision_in_the_window_matches_the_replayed_history()
    {
        const int Window = 40;
        await using var store = await OpenInMemoryAsync(historyWindow: Window);
        var random = new Random(42);
        var model = new Dictionary<string, string>();
        var states = new Dictionary<long, Dictionary<string, string>> { [0] = [] };

        // Batches of concurrent writes to a few keys, so snapshots fall mid-batch and keys come and go.
        for (var round = 0; round < 30; round++)
        {
            var tasks = Enumerable.Range(0, random.Next(1, 8)).Select(_ =>
            {
                var key = $"/k{random.Next(6)}";
                return random.Next(3) switch
                {
                    0 => CreateAsync(store, key).AsTask(),
                    1 => UpdateAsync(store, key, 0).AsTask(),
                    _ => DeleteAsync(store, key).AsTask(),
                };
            }).ToList();
            var results = await Task.WhenAll(tasks);
            foreach (var result in results.Where(r => r.Status == WriteStatus.Ok).OrderBy(r => r.Object!.Revision))
            {
                if (Text(result.Object).StartsWith("deleted", StringComparison.Ordinal))
                {
                    model.Remove(result.Object!.Key);
                }
                else
                {
                    model[result.Object!.Key] = Text(result.Object);
                }

                states[result.Object.Revision] = new Dictionary<string, string>(model);
            }
        }

        Assert.True(store.CurrentRevision > Window, "the test should run past the window");
        for (var revision = store.CompactedRevision; revision <= store.CurrentRevision; revision++)
        {
            var snapshot = store.SnapshotAt(revision)!;
            Assert.Equal(revision, snapshot.Revision);
            Assert.Equal(states[revision].OrderBy(p => p.Key, StringComparer.Ordinal), snapshot.Range(string.Empty).Select(o => KeyValuePair.Create(o.Key, Text(o))));
        }

        Assert.Null(store.SnapshotAt(store.CompactedRevision - 1));
    }

    [Fact]
    public void Range_Get_and_CountRange_match_a_sorted_list_over_random_batches_of_writes()
    {
        // Enough keys for a tree several levels deep, in two namespaces, with names whose UTF-8 and UTF-16 orders
        // differ (U+FF21 against a surrogate pair), so leaves split, merge and the root grows and shrinks.
        var random = new Random(20);
        string[] suffixes = ["a", "B", "\u00e9", "\uff21", "\ud83d\ude00", "z\uffff"];
        var keys = Enumerable.Range(0, 3000)
            .Select(i => $"/cm/ns{i % 2}/{suffixes[i % suffixes.Length]}{i / 7}")
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var oracle = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        var initial = keys.Where((_, i) => i % 3 == 0).Select(k => new StoredObject(k, 1, 1, [1])).ToList();
        foreach (var stored in initial)
        {
            oracle[stored.Key] = stored;
        }

        var snapshot = StoreSnapshot.Of(initial.OrderBy(_ => random.Next()), 1);
        var kept = new List<(StoreSnapshot Snapshot, List<StoredObject> Expected)> { (snapshot, oracle.Values.ToList()) };
        AssertMatches(snapshot, oracle.Values.ToList(), keys, random);
        for (var revision = 2L; revision < 400; revision++)
        {
            // A batch of writes: mostly deletions while the store is large, mostly creations while it is small.
            var events = new List<WatchEvent>();
            var deleting = oracle.Count > keys.Length / 2 ? 0.7 : 0.3;
            for (var i = random.Next(1, 60); i > 0; i--)
            {
                var key = keys[random.Next(keys.Length)];
                var stored = new StoredObject(key, revision, revision, [(byte)revision]);
                if (random.NextDouble() < deleting)
                {
                    if (oracle.Remove(key, out var previous))
                    {
                        events.Add(new WatchEvent(WatchEventType.Deleted, previous with { Revision = revision }, previous));
                    }
                }
                else
                {
                    events.Add(new WatchEvent(oracle.ContainsKey(key) ? WatchEventType.Modified : WatchEventType.Created, stored, null));
                    oracle[key] = stored;
                }
            }

            snapshot = snapshot.Apply(events, revision);
            var expected = oracle.Values.ToList();
            AssertMatches(snapshot, expected, keys, random);
            if (revision % 40 == 0)
            {
                kept.Add((snapshot, expected));
            }
        }

        // Older snapshots share structure with newer ones and are unchanged by them.
        foreach (var (old, expected) in kept)
        {
            AssertMatches(old, expected, keys, random);
        }

        var emptied = snapshot.Apply(oracle.Values.Select(o => new WatchEvent(WatchEventType.Deleted, o, o)).ToList(), 400);
        AssertMatches(emptied, [], keys, random);
    }

    private static void AssertMatches(StoreSnapshot snapshot, List<StoredObject> expected, string[] keys, Random random)
    {
        Assert.Equal(expected.Count, snapshot.Count);
        Assert.Equal(expected, snapshot.Range(string.Empty));
        foreach (var key in keys.Where((_, i) => i % 50 == 0))
        {
            Assert.Same(expected.FirstOrDefault(o => o.Key == key), snapshot.Get(key));
        }

        // Prefixes that select a namespace, a part of one, nothing; start keys stored, absent, before and past the range.
        string[] prefixes = ["/cm/ns0/", "/cm/ns1/", "/cm/ns1/\uff21", "/cm/ns1/\ud83d", "/cm/", "/cm/ns2/", "/a", string.Empty];
        foreach (var prefix in prefixes)
        {
            var inPrefix = expected.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            string?[] starts = [null, "/", "/cm/ns1/\uffff", keys[random.Next(keys.Length)], keys[random.Next(keys.Length)] + "\0", ..inPrefix.Count > 0 ? new[] { inPrefix[random.Next(inPrefix.Count)].Key, inPrefix[^1].Key } : []];
            foreach (var startAfter in starts)
            {
                var want = inPrefix.Where(o => startAfter is null || string.CompareOrdinal(o.Key, startAfter) > 0).ToList();
                Assert.Equal(want, snapshot.Range(prefix, startAfter));
                Assert.Equal(want.Count, snapshot.CountRange(prefix, startAfter));
                Assert.Equal(want.Take(7), snapshot.Range(prefix, startAfter).Take(7));
            }
        }
    }

    private async Task<RevisionedStore> SeedAsync()
    {
        var store = await OpenInMemoryAsync();
        foreach (var key in Keys)
        {
            await CreateAsync(store, key);
        }

        return store;
    }
}
