using System.Diagnostics;
using System.Text;
using k8s;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// One FakeApiServer replica as its own process (the built fakeapiserver.dll beside the tests, started with dotnet),
/// storing in etcd: ready once it printed "is serving on" and wrote its kubeconfig. Kill sends SIGKILL, as a crash
/// would; disposing kills what still runs.
/// </summary>
public sealed class ReplicaProcess : IAsyncDisposable
{
    private const string ServingOn = "FakeApiServer is serving on ";
    private const string BecameLeader = "Became the leader of ";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReplicaProcess(string name, string dataDir, Process process)
    {
        Name = name;
        DataDir = dataDir;
        _process = process;
    }

    /// <summary>A short name for messages, e.g. "replica-1".</summary>
    public string Name { get; }

    /// <summary>The replica's --data-dir (its PKI only; objects live in etcd).</summary>
    public string DataDir { get; }

    /// <summary>The kubeconfig the replica wrote (--kubeconfig-out).</summary>
    public string Kubeconfig => Path.Combine(DataDir, "kubeconfig");

    /// <summary>The address it serves on.</summary>
    public Uri BaseAddress => _url.Task.IsCompletedSuccessfully ? _url.Task.Result : throw new InvalidOperationException(Name + " is not serving yet");

    /// <summary>Whether the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the replica wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a replica on <paramref name="etcdServers"/> with port 0, its own <paramref name="dataDir"/> and
    /// <paramref name="extraArguments"/>, and waits until it serves.
    /// </summary>
    public static async Task<ReplicaProcess> StartAsync(string name, string etcdServers, string dataDir, IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        var process = new Process { StartInfo = StartInfo(etcdServers, dataDir, ["--kubeconfig-out", Path.Combine(dataDir, "kubeconfig"), .. extraArguments]) };
        var replica = new ReplicaProcess(name, dataDir, process);
        process.OutputDataReceived += (_, e) => replica.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => replica.OnLine(e.Data);
        process.Exited += (_, _) => replica._url.TrySetException(new InvalidOperationException($"{name} exited before it served: {replica.Log}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await replica._url.Task.WaitAsync(cancellationToken);
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }

        return replica;
    }

    /// <summary>Starts a replica and returns its output once it has exited by itself (for flags it must refuse).</summary>
    public static async Task<(int ExitCode, string Log)> RunToExitAsync(string etcdServers, string dataDir, IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(etcdServers, dataDir, extraArguments)) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A KubernetesClient on the replica's kubeconfig.</summary>
    public Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));

    /// <summary>Waits until this replica logs that it became the leader of <paramref name="lease"/>, and returns its holder identity.</summary>
    public async Task<string> LeadershipAsync(string lease, CancellationToken cancellationToken)
    {
        var prefix = $"{BecameLeader}{lease} as ";
        while (true)
        {
            Task changed;
            lock (_log)
            {
                var text = _log.ToString();
                var at = text.IndexOf(prefix, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var rest = text[(at + prefix.Length)..];
                    return rest[..rest.IndexOfAny(['\r', '\n'])];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>kill -9: the process gets no chance to release its Leases or close its watches.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    /// <summary>`dotnet fakeapiserver.dll` on etcd, port 0, its own data directory, then <paramref name="extraArguments"/>.</summary>
    private static ProcessStartInfo StartInfo(string etcdServers, string dataDir, IEnumerable<string> extraArguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fakeapiserver.dll"));
        foreach (var argument in new[] { "--storage-backend=etcd3", "--etcd-servers=" + etcdServers, "--port", "0", "--data-dir", dataDir }.Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_log)
        {
            _log.AppendLine(line);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();

        var at = line.IndexOf(ServingOn, StringComparison.Ordinal);
        if (at >= 0)
        {
            var rest = line[(at + ServingOn.Length)..];
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            _url.TrySetResult(new Uri(end < 0 ? rest : rest[..end]));
        }
    }
}
