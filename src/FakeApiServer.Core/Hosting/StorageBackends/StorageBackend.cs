using FakeApiServer.Storage;
using FakeApiServer.Storage.Etcd;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>Opens the store the options name: the SQLite log (or memory), or an etcd cluster.</summary>
internal static class StorageBackend
{
    public static async Task<IRevisionedStore> OpenAsync(
        FakeApiServerOptions options, System.Diagnostics.Metrics.IMeterFactory? meters, TimeProvider time, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (!options.Storage.IsEtcd)
        {
            return await RevisionedStore.OpenAsync(
                new StoreOptions
                {
                    DataDirectory = options.InMemory ? null : options.DataDir,
                    HistoryWindow = options.HistoryWindow,
                    SynchronousFull = options.SynchronousFull,
                    Meters = meters,
                },
                time, loggerFactory, cancellationToken);
        }

        var storage = options.Storage;
        return await EtcdRevisionedStore.OpenAsync(
            new EtcdStoreOptions
            {
                Servers = storage.EtcdServers,
                Prefix = storage.EtcdPrefix,
                CaFile = storage.EtcdCaFile,
                CertFile = storage.EtcdCertFile,
                KeyFile = storage.EtcdKeyFile,
                CompactionInterval = storage.EtcdCompactionInterval,
                HistoryWindow = options.HistoryWindow,
                KeyLayout = new KubeApiServerKeyLayout(),
                ValueCodec = new ResourceVersionCodec(),
            },
            time, loggerFactory, cancellationToken);
    }

    /// <summary>Where the objects are, for the start-up line.</summary>
    public static string Describe(FakeApiServerOptions options) => options.Storage.IsEtcd
        ? $"etcd {string.Join(",", options.Storage.EtcdServers.Select(s => s.ToString().TrimEnd('/')))} under {options.Storage.EtcdPrefix}"
        : options.InMemory ? "in memory" : Path.GetFullPath(options.DataDir);
}
