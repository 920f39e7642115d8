using FakeApiServer.Testing.Etcd;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// A real etcd cluster on loopback and FakeApiServer replica processes on it, started one after the other as
/// docs/operations.md describes: the first replica creates the PKI, which is copied into the others' data directories
/// before they first start, so every replica accepts what the others issued. Disposing kills everything and deletes
/// the data.
/// </summary>
public sealed class ReplicaCluster : IAsyncDisposable
{
    /// <summary>
    /// Leader election a little quicker than client-go's 15s/10s/2s, so a test waits less for a Lease to move, with a
    /// renew deadline still far above a renewal's cost on a busy machine.
    /// </summary>
    public static readonly string[] LeaderElectionFlags =
        ["--leader-elect-lease-duration=6s", "--leader-elect-renew-deadline=5s", "--leader-elect-retry-period=1s"];

    private readonly string _root;

    private ReplicaCluster(EtcdCluster etcd, string root, List<ReplicaProcess> replicas)
    {
        Etcd = etcd;
        _root = root;
        Replicas = replicas;
    }

    /// <summary>The etcd cluster.</summary>
    public EtcdCluster Etcd { get; }

    /// <summary>The replicas, in start order.</summary>
    public IReadOnlyList<ReplicaProcess> Replicas { get; }

    /// <summary>
    /// Starts a <paramref name="members"/>-member etcd and one replica per entry of <paramref name="replicaArguments"/>
    /// (the extra flags of each, after the storage flags and <see cref="LeaderElectionFlags"/>). <paramref name="started"/>
    /// runs after each replica serves, before the next starts (e.g. to wait until it leads).
    /// </summary>
    public static async Task<ReplicaCluster> StartAsync(
        int members, IReadOnlyList<string[]> replicaArguments, CancellationToken cancellationToken, Func<ReplicaProcess, Task>? started = null)
    {
        var etcd = await EtcdCluster.StartAsync(members, cancellationToken);
        var root = Directory.CreateTempSubdirectory("fakeapiserver-replicas-").FullName;
        var replicas = new List<ReplicaProcess>();
        var cluster = new ReplicaCluster(etcd, root, replicas);
        try
        {
            for (var i = 0; i < replicaArguments.Count; i++)
            {
                var dataDir = Path.Combine(root, "replica-" + i);
                Directory.CreateDirectory(dataDir);
                if (i > 0)
                {
                    CopyDirectory(Path.Combine(root, "replica-0", "pki"), Path.Combine(dataDir, "pki"));
                }

                var replica = await ReplicaProcess.StartAsync("replica-" + i, etcd.Endpoints, dataDir, [.. LeaderElectionFlags, .. replicaArguments[i]], cancellationToken);
                replicas.Add(replica);
                if (started is not null)
                {
                    await started(replica);
                }
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The replica whose log says it became the leader of <paramref name="lease"/> as <paramref name="identity"/>.</summary>
    public ReplicaProcess Holding(string lease, string identity) =>
        Replicas.Single(r => r.Log.Contains($"Became the leader of {lease} as {identity}", StringComparison.Ordinal));

    /// <summary>Everything the replicas logged, for a failing test's message.</summary>
    public string Logs => string.Join("\n", Replicas.Select(r => $"--- {r.Name} ---\n{r.Log}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await Etcd.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder is left to the system.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
