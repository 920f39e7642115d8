namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>
/// Where objects are kept (--storage-backend): the embedded SQLite log (the default; --data-dir, --in-memory) or an etcd v3
/// cluster shared by any number of replicas, laid out as kube-apiserver lays it out (--etcd-servers, --etcd-prefix, ...).
/// </summary>
public sealed record StorageBackendOptions
{
    /// <summary>The SQLite backend's name.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The etcd v3 backend's name, as kube-apiserver's --storage-backend spells it.</summary>
    public const string Etcd3 = "etcd3";

    /// <summary>--storage-backend: <see cref="Sqlite"/> or <see cref="Etcd3"/>.</summary>
    public string Backend { get; init; } = Sqlite;

    /// <summary>--etcd-servers: the etcd client URLs.</summary>
    public IReadOnlyList<Uri> EtcdServers { get; init; } = [new Uri("http://127.0.0.1:2379")];

    /// <summary>--etcd-prefix: the key prefix (kube-apiserver's default).</summary>
    public string EtcdPrefix { get; init; } = "/registry";

    /// <summary>--etcd-cafile: the CA bundle for the etcd servers' certificates.</summary>
    public string? EtcdCaFile { get; init; }

    /// <summary>--etcd-certfile: the client certificate for etcd.</summary>
    public string? EtcdCertFile { get; init; }

    /// <summary>--etcd-keyfile: the client certificate's key.</summary>
    public string? EtcdKeyFile { get; init; }

    /// <summary>--etcd-compaction-interval: how often etcd's history is compacted (0 turns it off).</summary>
    public TimeSpan EtcdCompactionInterval { get; init; } = FakeApiServer.Storage.Etcd.EtcdStoreOptions.DefaultCompactionInterval;

    /// <summary>Whether objects live in etcd.</summary>
    public bool IsEtcd => Backend == Etcd3;
}
