using System.Collections.Concurrent;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FakeApiServer.Storage;

/// <summary>
/// Reads the newest version of every existing key from the log at start-up, on two threads. One steps through the
/// rows newest first (the table in descending revision order, one sequential pass with no index), so a key's newest
/// row comes first; older rows of a key already seen, and every row of a deleted key, are skipped on the key alone
/// (decoded into a reused buffer and looked up in the set of keys seen) without reading their values. It copies each
/// value into a reused staging chunk. The other thread turns the staged rows into <see cref="StoredObject"/>s. At a
/// million objects most of a restart is the first touch of the ~2 GB the values need (the kernel's page faults); that
/// work overlaps SQLite's, on the other core, instead of following it row by row.
/// </summary>
internal static class CurrentVersionsReader
{
    private const string Sql = "SELECT key, revision, create_revision, deleted, value FROM log ORDER BY revision DESC";

    // Staging chunks cycle between the two threads; a value larger than a chunk is copied into its own array directly.
    private const int ChunkCount = 8;
    private const int ChunkBytes = 1 << 20;
    private const int ChunkRows = 1024;

    /// <summary>The current objects, in ascending ordinal key order (the snapshot tree's).</summary>
    public static List<StoredObject> Read(SqliteConnection connection)
    {
        using var filled = new BlockingCollection<Chunk>();
        using var emptied = new BlockingCollection<Chunk>();
        var objects = new List<StoredObject>();
        var builder = Task.Factory.StartNew(() => Build(filled, emptied, objects), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            ReadRows(connection, filled, emptied);
        }
        catch (InvalidOperationException) when (emptied.IsAddingCompleted)
        {
            // The builder stopped early (only its failure ends the chunks' way back): its exception is thrown below.
        }
        finally
        {
            filled.CompleteAdding();
            // The builder drains what it was given and ends; wait for it without throwing, so nothing outlives the chunks.
            Task.WhenAny(builder).GetAwaiter().GetResult();
        }

        builder.GetAwaiter().GetResult();
        objects.Reverse();
        return SortedByKey(objects);
    }

    /// <summary>
    /// <paramref name="objects"/> (oldest first, one per key) in key order. A log of creates in key order is already
    /// sorted; a real one is a few long ascending runs (objects created in bulk, in key order) among short ones (the
    /// start-up objects, later changes): the short runs' objects are sorted together, then merged with each long run,
    /// a comparison per object and long run instead of a full sort's ~20 at a million.
    /// </summary>
    private static List<StoredObject> SortedByKey(List<StoredObject> objects)
    {
        const int LongRun = 4096;
        const int MostMergedRuns = 8;
        var runs = new List<(int Start, int Length)>();
        var rest = new List<StoredObject>();
        var start = 0;
        for (var i = 1; i <= objects.Count; i++)
        {
            if (i < objects.Count && ByKey(objects[i - 1], objects[i]) < 0)
            {
                continue;
            }

            if (i - start >= LongRun)
            {
                runs.Add((start, i - start));
            }
            else
            {
                for (var k = start; k < i; k++)
                {
                    rest.Add(objects[k]);
                }
            }

            start = i;
        }

        if (rest.Count == 0 && runs.Count <= 1)
        {
            return objects;
        }

        if (runs.Count > MostMergedRuns)
        {
            objects.Sort(ByKey);
            return objects;
        }

        rest.Sort(ByKey);
        var merged = rest;
        foreach (var (runStart, length) in runs)
        {
            merged = Merge(merged, objects, runStart, length);
        }

        return merged;
    }

    private static List<StoredObject> Merge(List<StoredObject> sorted, List<StoredObject> objects, int runStart, int length)
    {
        var merged = new List<StoredObject>(sorted.Count + length);
        var i = 0;
        var j = runStart;
        var runEnd = runStart + length;
        while (i < sorted.Count && j < runEnd)
        {
            merged.Add(ByKey(sorted[i], objects[j]) < 0 ? sorted[i++] : objects[j++]);
        }

        merged.AddRange(sorted.GetRange(i, sorted.Count - i));
        merged.AddRange(objects.GetRange(j, runEnd - j));
        return merged;
    }

    private static int ByKey(StoredObject x, StoredObject y) => string.CompareOrdinal(x.Key, y.Key);

    private static void ReadRows(SqliteConnection connection, BlockingCollection<Chunk> filled, BlockingCollection<Chunk> emptied)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, Sql, out var statement), db);
        using (statement)
        {
            // Chunks are made as the rows need them, at most ChunkCount, then reused: an empty or small log (a fresh
            // start) does not allocate and touch the 8 MiB that a large one streams through.
            var made = 0;
            Chunk NextChunk()
            {
                if (emptied.TryTake(out var reused))
                {
                    return reused;
                }

                if (made < ChunkCount && !emptied.IsAddingCompleted)
                {
                    made++;
                    return new Chunk();
                }

                return emptied.Take();
            }

            Chunk? chunk = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var seenLookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
            var chars = new char[256];
            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                // A key seen already had a newer row (or was deleted by it): this older version is skipped on the key alone.
                var keyBytes = raw.sqlite3_column_blob(statement, 0);
                if (keyBytes.Length > chars.Length)
                {
                    chars = new char[keyBytes.Length * 2];
                }

                var keyChars = chars.AsSpan(0, Encoding.UTF8.GetChars(keyBytes, chars));
                if (seenLookup.Contains(keyChars))
                {
                    continue;
                }

                var key = new string(keyChars);
                seen.Add(key);
                if (raw.sqlite3_column_int64(statement, 3) != 0)
                {
                    continue;
                }

                var value = raw.sqlite3_column_blob(statement, 4);
                if (chunk is null || chunk.Count == ChunkRows || (chunk.Count > 0 && chunk.Used + value.Length > ChunkBytes))
                {
                    if (chunk is not null)
                    {
                        filled.Add(chunk);
                    }

                    chunk = NextChunk();
                }

                var row = chunk.Count++;
                chunk.Keys[row] = key;
                chunk.Revisions[row] = raw.sqlite3_column_int64(statement, 1);
                chunk.CreateRevisions[row] = raw.sqlite3_column_int64(statement, 2);
                if (value.Length > ChunkBytes)
                {
                    chunk.Large[row] = value.ToArray();
                }
                else
                {
                    value.CopyTo(chunk.Bytes.AsSpan(chunk.Used));
                    chunk.Used += value.Length;
                }

                chunk.Ends[row] = chunk.Used;
            }

            Check(step == raw.SQLITE_DONE ? raw.SQLITE_OK : step, db);
            if (chunk is { Count: > 0 })
            {
                filled.Add(chunk);
            }
        }
    }

    // The values are allocated where they will stay: on the pinned object heap, which the collector never compacts, so
    // a million of them are not copied from generation 0 to 1 to 2 while they are read (the collections that did that
    // stopped both threads for seconds). Uninitialized: every byte is overwritten at once.
    private static void Build(BlockingCollection<Chunk> filled, BlockingCollection<Chunk> emptied, List<StoredObject> objects)
    {
        try
        {
            foreach (var chunk in filled.GetConsumingEnumerable())
            {
                var start = 0;
                for (var row = 0; row < chunk.Count; row++)
                {
                    var end = chunk.Ends[row];
                    var value = chunk.Large[row];
                    if (value is null)
                    {
                        value = GC.AllocateUninitializedArray<byte>(end - start, pinned: true);
                        chunk.Bytes.AsSpan(start, end - start).CopyTo(value);
                    }

                    objects.Add(new StoredObject(chunk.Keys[row], chunk.Revisions[row], chunk.CreateRevisions[row], value));
                    start = end;
                }

                chunk.Clear();
                emptied.Add(chunk);
            }
        }
        finally
        {
            emptied.CompleteAdding();
        }
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    /// <summary>Rows staged by the reading thread: their keys and revisions, and their values end to end in one array.</summary>
    private sealed class Chunk
    {
        public byte[] Bytes { get; } = new byte[ChunkBytes];

        public string[] Keys { get; } = new string[ChunkRows];

        public long[] Revisions { get; } = new long[ChunkRows];

        public long[] CreateRevisions { get; } = new long[ChunkRows];

        /// <summary>Where each row's value ends in <see cref="Bytes"/> (it starts where the previous one ended).</summary>
        public int[] Ends { get; } = new int[ChunkRows];

        /// <summary>A value too large for a chunk, in its own array (null for the others).</summary>
        public byte[]?[] Large { get; } = new byte[ChunkRows][];

        public int Count { get; set; }

        public int Used { get; set; }

        public void Clear()
        {
            Array.Clear(Keys, 0, Count);
            Array.Clear(Large, 0, Count);
            Count = 0;
            Used = 0;
        }
    }
}
