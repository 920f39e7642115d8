using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FakeApiServer.Testing.Etcd;

/// <summary>
/// A throw-away etcd cluster for tests and load runs: <c>etcd</c> processes (Debian's etcd-server package) on loopback,
/// each with a temporary data directory and free ports, started together and ready once every member has joined.
/// Members can be killed (SIGKILL) to test failures. Disposing kills what is left and deletes the data.
/// </summary>
public sealed class EtcdCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly List<Member> _members;

    private EtcdCluster(string root, List<Member> members)
    {
        _root = root;
        _members = members;
    }

    /// <summary>The members' client URLs, in member order.</summary>
    public IReadOnlyList<Uri> ClientUrls => _members.Select(m => m.ClientUrl).ToList();

    /// <summary>The client URLs of the members still running, comma-separated, as --etcd-servers and etcdctl --endpoints take them.</summary>
    public string Endpoints => string.Join(",", _members.Where(m => !m.Process.HasExited).Select(m => m.ClientUrl.ToString().TrimEnd('/')));

    /// <summary>The processor time the members still running have used so far (user plus system), for load runs.</summary>
    public TimeSpan ProcessorTime => _members.Where(m => !m.Process.HasExited).Aggregate(TimeSpan.Zero, (sum, m) => sum + m.Process.TotalProcessorTime);

    /// <summary>The number of members.</summary>
    public int Size => _members.Count;

    /// <summary>Whether the etcd binary is on PATH.</summary>
    public static bool IsInstalled => Executable("etcd") is not null;

    /// <summary>Starts <paramref name="members"/> etcd members as one cluster and waits until each serves clients.</summary>
    public static Task<EtcdCluster> StartAsync(int members, CancellationToken cancellationToken) => StartAsync(members, tls: null, cancellationToken);

    /// <summary>
    /// Starts <paramref name="members"/> etcd members as one cluster and waits until each serves clients; with
    /// <paramref name="tls"/>, clients must speak TLS to the members and present a certificate signed by its CA.
    /// </summary>
    public static async Task<EtcdCluster> StartAsync(int members, EtcdTlsFiles? tls, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        var etcd = Executable("etcd") ?? throw new InvalidOperationException("etcd is not installed (apt-get install etcd-server)");
        var root = Directory.CreateTempSubdirectory("fakeapiserver-etcd-").FullName;
        var ports = FreePorts(members * 2);
        var names = Enumerable.Range(0, members).Select(i => "m" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var initial = string.Join(",", names.Select((n, i) => $"{n}=http://127.0.0.1:{ports[(2 * i) + 1]}"));
        var started = new List<Member>();
        try
        {
            for (var i = 0; i < members; i++)
            {
                var client = new Uri($"{(tls is null ? "http" : "https")}://127.0.0.1:{ports[2 * i]}");
                var peer = $"http://127.0.0.1:{ports[(2 * i) + 1]}";
                var info = new ProcessStartInfo(etcd)
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                foreach (var argument in new[]
                {
                    "--name", names[i], "--data-dir", Path.Combine(root, names[i]),
                    "--listen-client-urls", client.ToString().TrimEnd('/'), "--advertise-client-urls", client.ToString().TrimEnd('/'),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", Path.GetFileName(root),
                    "--logger", "zap", "--log-outputs", "stderr",
                    // Small, fast elections on loopback: a killed member's place is taken in well under a second.
                    "--heartbeat-interval", "50", "--election-timeout", "500",
                })
                {
                    info.ArgumentList.Add(argument);
                }

                foreach (var argument in tls is null ? [] : new[] { "--cert-file", tls.ServerCertFile, "--key-file", tls.ServerKeyFile, "--trusted-ca-file", tls.CaFile, "--client-cert-auth" })
                {
                    info.ArgumentList.Add(argument);
                }

                started.Add(new Member(client, Process.Start(info) ?? throw new InvalidOperationException("etcd did not start")));
            }

            await Task.WhenAll(started.Select(m => m.Ready.Task.WaitAsync(cancellationToken)));
            return new EtcdCluster(root, started);
        }
        catch
        {
            await new EtcdCluster(root, started).DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills member <paramref name="index"/> with SIGKILL, as a crash would, and waits for it to exit.</summary>
    public async Task KillAsync(int index, CancellationToken cancellationToken)
    {
        var process = _members[index].Process;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>What member <paramref name="index"/> wrote to stderr so far (for a failing test's message).</summary>
    public string Log(int index) => _members[index].Log.ToString();

    /// <summary>Kills the members that are still running and deletes their data.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            if (!member.Process.HasExited)
            {
                member.Process.Kill(entireProcessTree: true);
                await member.Process.WaitForExitAsync();
            }

            member.Process.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder is left to the system.
        }
    }

    private static string? Executable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>Ports the system hands out for port 0, all held until every one is chosen so that none repeats.</summary>
    private static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private sealed class Member
    {
        public Member(Uri clientUrl, Process process)
        {
            ClientUrl = clientUrl;
            Process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    Ready.TrySetException(new InvalidOperationException("etcd exited before it was ready: " + Log));
                    return;
                }

                lock (Log)
                {
                    Log.AppendLine(e.Data);
                }

                // etcd logs this once the member has joined the cluster (its ReadyNotify) and serves clients.
                if (e.Data.Contains("serving client traffic", StringComparison.Ordinal) || e.Data.Contains("ready to serve client requests", StringComparison.Ordinal))
                {
                    Ready.TrySetResult();
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }

        public Uri ClientUrl { get; }

        public Process Process { get; }

        public System.Text.StringBuilder Log { get; } = new();

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
