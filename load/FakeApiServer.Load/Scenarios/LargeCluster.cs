using System.Globalization;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// One server shared by the get, list and memory scenarios, seeded in stages up to the profile's large count:
/// namespaces load-0, load-1, ... of <see cref="RunProfile.NamespaceSize"/> ConfigMaps each (100 x 1,000 in full).
/// Each stage records the memory it added, so the memory scenario can relate growth to the serialized size.
/// </summary>
internal sealed class LargeCluster : IAsyncDisposable
{
    private readonly RunContext _context;
    private readonly SemaphoreSlim _seeding = new(1);

    private LargeCluster(RunContext context, ServerUnderTest server)
    {
        _context = context;
        Server = server;
    }

    /// <summary>The server.</summary>
    public ServerUnderTest Server { get; }

    /// <summary>Objects seeded so far.</summary>
    public int Count { get; private set; }

    /// <summary>Serialized bytes of the seeded objects (their create responses).</summary>
    public long SerializedBytes { get; private set; }

    /// <summary>Resident growth over all seeding stages, bytes (after a full collection each time).</summary>
    public long ResidentGrowth { get; private set; }

    /// <summary>Managed heap growth over all seeding stages, bytes.</summary>
    public long ManagedGrowth { get; private set; }

    /// <summary>Objects per namespace.</summary>
    public int NamespaceSize => _context.Profile.NamespaceSize;

    /// <summary>The namespace holding object <paramref name="index"/>.</summary>
    public static string Namespace(int index, int namespaceSize) => "load-" + (index / namespaceSize).ToString(CultureInfo.InvariantCulture);

    /// <summary>The path of object <paramref name="index"/>.</summary>
    public string ObjectPath(int index) => $"/api/v1/namespaces/{Namespace(index, NamespaceSize)}/configmaps/cm-{index}";

    /// <summary>Starts the server (empty).</summary>
    public static async Task<LargeCluster> StartAsync(RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new LargeCluster(context, await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken));
    }

    /// <summary>Seeds up to <paramref name="count"/> objects (a no-op when there are already as many).</summary>
    public async Task EnsureSeededAsync(int count, CancellationToken cancellationToken)
    {
        await _seeding.WaitAsync(cancellationToken);
        try
        {
            if (Count >= count)
            {
                return;
            }

            _context.Progress($"seeding the large cluster from {Count:N0} to {count:N0} objects");
            for (var ns = Count / NamespaceSize; ns * NamespaceSize < count; ns++)
            {
                await Server.CreateNamespaceAsync(Namespace(ns * NamespaceSize, NamespaceSize), cancellationToken);
            }

            MemorySampler.SettleHeap();
            var resident = Environment.WorkingSet;
            var managed = GC.GetTotalMemory(false);
            var bytes = await Server.SeedAsync(
                Count, count, i => ($"/api/v1/namespaces/{Namespace(i, NamespaceSize)}/configmaps", ObjectBodies.ConfigMap(Namespace(i, NamespaceSize), $"cm-{i}")), cancellationToken);
            MemorySampler.SettleHeap();
            ResidentGrowth += Environment.WorkingSet - resident;
            ManagedGrowth += GC.GetTotalMemory(false) - managed;
            SerializedBytes += bytes;
            Count = count;
        }
        finally
        {
            _seeding.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _seeding.Dispose();
    }
}
