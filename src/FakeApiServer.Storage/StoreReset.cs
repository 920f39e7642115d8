namespace FakeApiServer.Storage;

/// <summary>
/// <see cref="IRevisionedStore.ResetAsync"/> for any store: a diff of the latest state against the baseline, written back
/// with ordinary conditioned writes, so it works the same over SQLite and over etcd.
/// </summary>
internal static class StoreReset
{
    /// <summary>See <see cref="IRevisionedStore.ResetAsync"/>.</summary>
    public static async Task<int> ResetAsync(IRevisionedStore store, StoreSnapshot baseline, Func<byte[], long, byte[]> encode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(encode);
        var total = 0;

        // Writers racing with the reset (controllers) can make a write conflict: diff again until nothing differs.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var latest = store.Latest;
            var writes = new List<Task<WriteResult>>();
            foreach (var current in latest.Range(string.Empty))
            {
                var wanted = baseline.Get(current.Key);
                if (wanted is null)
                {
                    var last = current.Value;
                    writes.Add(store.WriteAsync(new WriteRequest(current.Key, WriteKind.Delete, current.Revision, rev => encode(last, rev)), cancellationToken).AsTask());
                }
                else if (wanted.Revision != current.Revision && !encode(wanted.Value, current.Revision).AsSpan().SequenceEqual(current.Value))
                {
                    var value = wanted.Value;
                    writes.Add(store.WriteAsync(new WriteRequest(current.Key, WriteKind.Update, current.Revision, rev => encode(value, rev)), cancellationToken).AsTask());
                }
            }

            foreach (var wanted in baseline.Range(string.Empty))
            {
                if (latest.Get(wanted.Key) is null)
                {
                    var value = wanted.Value;
                    writes.Add(store.WriteAsync(new WriteRequest(wanted.Key, WriteKind.Create, 0, rev => encode(value, rev)), cancellationToken).AsTask());
                }
            }

            if (writes.Count == 0)
            {
                return total;
            }

            var failed = false;
            foreach (var write in writes)
            {
                var result = await write;
                if (result.Status == WriteStatus.Ok)
                {
                    total++;
                }
                else
                {
                    failed = true;
                }
            }

            if (!failed)
            {
                return total;
            }
        }

        throw new InvalidOperationException("The store kept changing while it was reset.");
    }
}
