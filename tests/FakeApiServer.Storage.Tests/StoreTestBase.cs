using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Storage.Tests;

/// <summary>
/// Per-test helpers: xUnit creates one instance per test, so the timeout token and the temporary data
/// directory are never shared between tests.
/// </summary>
public abstract class StoreTestBase : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private string? _dataDirectory;

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, not yet existing folder under the temp directory, deleted after the test.</summary>
    protected string DataDirectory => _dataDirectory ??= Path.Combine(Path.GetTempPath(), "fakeapiserver-storage-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _timeout.Dispose();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected Task<RevisionedStore> OpenInMemoryAsync(int historyWindow = 10_000, int watcherQueueCapacity = 4096) =>
        RevisionedStore.OpenAsync(new StoreOptions { HistoryWindow = historyWindow, WatcherQueueCapacity = watcherQueueCapacity }, TimeProvider.System, NullLoggerFactory.Instance, Ct);

    protected Task<RevisionedStore> OpenOnDiskAsync(int historyWindow = 10_000, int logCompactionInterval = 2_000, int logCompactionSlice = 256) =>
        RevisionedStore.OpenAsync(
            new StoreOptions
            {
                DataDirectory = DataDirectory, HistoryWindow = historyWindow, LogCompactionInterval = logCompactionInterval, LogCompactionSlice = logCompactionSlice,
            },
            TimeProvider.System,
            NullLoggerFactory.Instance,
            Ct);

    protected ValueTask<WriteResult> CreateAsync(IRevisionedStore store, string key, string text = "v") =>
        store.WriteAsync(new WriteRequest(key, WriteKind.Create, 0, Encode(text)), Ct);

    protected ValueTask<WriteResult> UpdateAsync(IRevisionedStore store, string key, long expectedRevision, string text = "v") =>
        store.WriteAsync(new WriteRequest(key, WriteKind.Update, expectedRevision, Encode(text)), Ct);

    protected ValueTask<WriteResult> DeleteAsync(IRevisionedStore store, string key, long expectedRevision = 0) =>
        store.WriteAsync(new WriteRequest(key, WriteKind.Delete, expectedRevision, Encode("deleted")), Ct);

    /// <summary>Stamps the revision into the value, as Core stamps resourceVersion into the object.</summary>
    protected static Func<long, byte[]> Encode(string text) => revision => Encoding.UTF8.GetBytes($"{text}@{revision}");

    protected static string Text(StoredObject? stored) => stored is null ? "<none>" : Encoding.UTF8.GetString(stored.Value);

    protected async Task<List<WatchEvent>> ReadAsync(WatchSubscription subscription, int count)
    {
        var events = new List<WatchEvent>();
        if (count == 0)
        {
            return events;
        }

        await foreach (var change in subscription.ReadAllAsync(Ct))
        {
            events.Add(change);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
