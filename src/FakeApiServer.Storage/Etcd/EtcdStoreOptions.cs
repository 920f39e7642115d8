namespace FakeApiServer.Storage.Etcd;

/// <summary>Configuration of an <see cref="EtcdRevisionedStore"/>.</summary>
public sealed class EtcdStoreOptions
{
    /// <summary>kube-apiserver's default --etcd-compaction-interval.</summary>
    public static readonly TimeSpan DefaultCompactionInterval = TimeSpan.FromMinutes(5);

    /// <summary>The etcd client URLs (http:// or https://); calls are balanced over them and go on when one is down.</summary>
    public IReadOnlyList<Uri> Servers { get; set; } = [new Uri("http://127.0.0.1:2379")];

    /// <summary>The key prefix every object lives under (kube-apiserver's --etcd-prefix).</summary>
    public string Prefix { get; set; } = "/registry";

    /// <summary>The CA bundle that signed the etcd servers' certificates (--etcd-cafile).</summary>
    public string? CaFile { get; set; }

    /// <summary>The client certificate presented to etcd (--etcd-certfile), with <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>The client certificate's private key (--etcd-keyfile).</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// How often the store compacts etcd's history (kube-apiserver's compactor: the revision seen one interval ago);
    /// zero turns compaction off.
    /// </summary>
    public TimeSpan CompactionInterval { get; set; } = DefaultCompactionInterval;

    /// <summary>The watch cache's history: how many events are kept for watch resume and reads at older revisions.</summary>
    public int HistoryWindow { get; set; } = 10_000;

    /// <summary>Events a watcher may have queued before it is closed (see <see cref="StoreOptions.WatcherQueueCapacity"/>).</summary>
    public int WatcherQueueCapacity { get; set; } = 4096;

    /// <summary>How store keys map to etcd keys.</summary>
    public required IEtcdKeyLayout KeyLayout { get; set; }

    /// <summary>How served values map to etcd values.</summary>
    public required IEtcdValueCodec ValueCodec { get; set; }

    internal void Validate()
    {
        if (Servers.Count == 0)
        {
            throw new ArgumentException("at least one etcd server is required", nameof(Servers));
        }

        if (!Prefix.StartsWith('/'))
        {
            throw new ArgumentException("the etcd prefix must start with /", nameof(Prefix));
        }

        if ((CertFile is null) != (KeyFile is null))
        {
            throw new ArgumentException("--etcd-certfile and --etcd-keyfile go together", nameof(CertFile));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryWindow, 1, nameof(HistoryWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatcherQueueCapacity, 1, nameof(WatcherQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(CompactionInterval, TimeSpan.Zero, nameof(CompactionInterval));
    }
}
