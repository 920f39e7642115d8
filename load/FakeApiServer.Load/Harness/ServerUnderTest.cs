using FakeApiServer.Controllers;
using FakeApiServer.Hosting;
using k8s;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// A FakeApiServer on 127.0.0.1:0 with its SQLite store in a temporary folder on disk (so durability is real) and only
/// the namespace and garbage-collector controllers, so only the load writes. Started in this process (memory figures
/// then cover it), or as a child process (server and load generator then have separate heaps and collectors).
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly FakeApiServerHost? _host;
    private readonly ChildProcess? _process;
    private bool _keepDataDir;

    private ServerUnderTest(FakeApiServerHost? host, ChildProcess? process, Uri baseAddress, string dataDir)
    {
        _host = host;
        _process = process;
        DataDir = dataDir;
        Http = HttpDriver.Create(baseAddress);
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = baseAddress.ToString() });
    }

    /// <summary>The raw HTTP driver.</summary>
    public HttpClient Http { get; }

    /// <summary>The KubernetesClient driver.</summary>
    public IKubernetes Client { get; }

    /// <summary>The store's folder.</summary>
    public string DataDir { get; }

    /// <summary>What a child-process server wrote to stdout and stderr so far (empty for one in this process).</summary>
    public IReadOnlyList<string> ProcessLog => _process?.Lines ?? [];

    /// <summary>The processor time of a child-process server so far; null for a server in this process (its CPU is not apart from the client's).</summary>
    public Func<TimeSpan>? ProcessorTime => _process is { } p ? () => p.ProcessorTime : null;

    /// <summary>A child-process server's resident set in bytes, read now (0 for a server in this process).</summary>
    public long ResidentBytes => _process?.ResidentBytes ?? 0;

    /// <summary>Starts a server with its store in a fresh folder under <paramref name="workDir"/>.</summary>
    public static async Task<ServerUnderTest> StartAsync(
        string workDir, CancellationToken cancellationToken, bool synchronousFull = true, int historyWindow = 10_000, bool metrics = true)
    {
        var dataDir = Path.Combine(workDir, "server-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var host = await FakeApiServerHost.StartAsync(Options(dataDir, synchronousFull, historyWindow, metrics), handleSignals: false, timeProvider: null, cancellationToken);
        return new ServerUnderTest(host, null, host.BaseAddress, dataDir);
    }

    /// <summary>
    /// The options of a server this harness starts: the same for one in this process and one in a process of its own
    /// (<see cref="ServerHostProcess"/>).
    /// </summary>
    public static FakeApiServerOptions Options(string dataDir, bool synchronousFull = true, int historyWindow = 10_000, bool metrics = true) => new()
    {
        Port = 0,
        DataDir = dataDir,
        SynchronousFull = synchronousFull,
        HistoryWindow = historyWindow,
        Controllers = ControllerSelection.Parse("namespace,garbage-collector"),
        LogLevel = LogLevel.Warning,
        Metrics = metrics,
    };

    /// <summary>
    /// Starts this program again as a child process hosting the server of <see cref="StartAsync"/> with its store in a
    /// fresh folder under <paramref name="workDir"/> (<see cref="ServerHostProcess"/>): a setting of FakeApiServerOptions
    /// the command line does not offer, in a process of its own, so its CPU is measured apart from the client's.
    /// </summary>
    public static async Task<ServerUnderTest> StartHostProcessAsync(string workDir, bool metrics, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(workDir, "server-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var process = ServerHostProcess.Start(dataDir, metrics);
        return await AdoptAsync(process, dataDir, keepDataDir: false, cancellationToken);
    }

    /// <summary>
    /// Starts the built fakeapiserver program as a child process, with its store in a fresh folder under
    /// <paramref name="workDir"/>, or in <paramref name="dataDir"/> (a restart: the folder is the caller's and stays).
    /// </summary>
    public static async Task<ServerUnderTest> StartProcessAsync(string workDir, CancellationToken cancellationToken, string? dataDir = null)
    {
        var keep = dataDir is not null;
        dataDir ??= Path.Combine(workDir, "server-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var process = ChildProcess.Start(
            ServerBinary.Locate(), "--data-dir", dataDir, "--port", "0", "--controllers", "namespace,garbage-collector", "--log-level", "Warning");
        return await AdoptAsync(process, dataDir, keep, cancellationToken);
    }

    /// <summary>
    /// Starts the built fakeapiserver program as a child process storing in etcd (--storage-backend=etcd3), one of any
    /// number of replicas on <paramref name="etcdServers"/>; its folder holds only its PKI.
    /// </summary>
    public static async Task<ServerUnderTest> StartEtcdReplicaAsync(string workDir, string etcdServers, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(workDir, "replica-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var process = ChildProcess.Start(
            ServerBinary.Locate(), "--storage-backend=etcd3", "--etcd-servers", etcdServers, "--etcd-compaction-interval", "0", "--data-dir", dataDir,
            // Apart from the keys the etcd ceiling writes under /registry on the same cluster.
            "--etcd-prefix", "/load",
            "--port", "0", "--controllers", "namespace,garbage-collector", "--log-level", "Warning");
        return await AdoptAsync(process, dataDir, keepDataDir: false, cancellationToken);
    }

    /// <summary>The server a started child process runs, once it printed its URL; the child is killed if it never does.</summary>
    private static async Task<ServerUnderTest> AdoptAsync(ChildProcess process, string dataDir, bool keepDataDir, CancellationToken cancellationToken)
    {
        try
        {
            return new ServerUnderTest(null, process, await process.UrlAsync(cancellationToken), dataDir) { _keepDataDir = keepDataDir };
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a namespace (409 if it exists is fine).</summary>
    public async Task CreateNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        var result = await HttpDriver.SendAsync(Http, HttpDriver.WithBody(HttpMethod.Post, "/api/v1/namespaces", ObjectBodies.Namespace(name)), cancellationToken);
        if (!result.Ok && result.StatusCode != 409)
        {
            throw new InvalidOperationException($"Creating namespace {name} answered {result.StatusCode}");
        }
    }

    /// <summary>
    /// Creates objects <paramref name="from"/> .. <paramref name="to"/> - 1 with 64 concurrent requests; returns the
    /// bytes of the stored objects (the create responses).
    /// </summary>
    public async Task<long> SeedAsync(int from, int to, Func<int, (string Path, byte[] Body)> request, CancellationToken cancellationToken)
    {
        long bytes = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(from, to - from),
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (path, body) = request(i);
                var result = await HttpDriver.SendAsync(Http, HttpDriver.WithBody(HttpMethod.Post, path, body), ct);
                if (!result.Ok)
                {
                    throw new InvalidOperationException($"Seeding {path} #{i} answered {result.StatusCode}");
                }

                Interlocked.Add(ref bytes, result.Bytes);
            });
        return bytes;
    }

    /// <summary>The resourceVersion of a collection (a LIST with limit=1).</summary>
    public async Task<string> CollectionResourceVersionAsync(string path, CancellationToken cancellationToken)
    {
        var (status, body) = await HttpDriver.SendForBodyAsync(Http, HttpDriver.Get(path + "?limit=1"), cancellationToken);
        return status == 200 && JsonScan.ResourceVersionText(body) is { } rv
            ? rv
            : throw new InvalidOperationException($"LIST {path} answered {status}");
    }

    /// <summary>The size of the SQLite files (database and WAL) in bytes.</summary>
    public long StoreFileBytes() => StoreFiles.Bytes(DataDir);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (!_keepDataDir)
        {
            StoreFiles.TryDelete(DataDir);
        }
    }
}

/// <summary>The files of a store folder.</summary>
internal static class StoreFiles
{
    /// <summary>Total bytes of the files in the folder.</summary>
    public static long Bytes(string dataDir) =>
        Directory.Exists(dataDir) ? Directory.EnumerateFiles(dataDir).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>Deletes a temporary folder, ignoring files still held open.</summary>
    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
