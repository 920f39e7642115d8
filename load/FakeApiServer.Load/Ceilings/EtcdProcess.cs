using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// A single-member etcd (Debian's etcd-server package, `etcd` on PATH) on loopback: free client and peer ports, a
/// temporary data dir, default durability (fsync on every commit). Ready once GET /health answers; killed and its data
/// dir removed on dispose.
/// </summary>
internal sealed class EtcdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _gate = new();

    private EtcdProcess(Process process, string dataDir, Uri clientUrl)
    {
        _process = process;
        _dataDir = dataDir;
        ClientUrl = clientUrl;
    }

    /// <summary>The client URL (http://127.0.0.1:port/), which also serves the HTTP/JSON gateway (/v3/kv/...).</summary>
    public Uri ClientUrl { get; }

    /// <summary>The etcd process's processor time so far.</summary>
    public TimeSpan ProcessorTime => _process.TotalProcessorTime;

    /// <summary>Starts etcd with its data dir under <paramref name="workDir"/> and waits until it is healthy.</summary>
    public static async Task<EtcdProcess> StartAsync(string workDir, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var dataDir = Path.Combine(workDir, "etcd-" + Guid.NewGuid().ToString("N")[..8]);
        var client = $"http://127.0.0.1:{FreePort()}";
        var peer = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("etcd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--name", "load", "--data-dir", dataDir,
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "load=" + peer, "--initial-cluster-state", "new",
            "--logger", "zap", "--log-level", "error"])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("etcd did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("etcd is not installed (Debian: sudo apt-get install -y etcd-server): " + e.Message, e);
        }

        var etcd = new EtcdProcess(process, dataDir, new Uri(client + "/"));
        process.OutputDataReceived += (_, e) => etcd.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => etcd.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await etcd.WaitHealthyAsync(time, cancellationToken);
            return etcd;
        }
        catch
        {
            await etcd.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created: etcd did not get that far.
        }
        catch (IOException)
        {
            // Left to the work dir's clean-up.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitHealthyAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = ClientUrl, Timeout = TimeSpan.FromSeconds(5) };
        var until = time.GetTimestamp() + (30 * time.TimestampFrequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with {_process.ExitCode}: {LastLines()}");
            }

            try
            {
                using var response = await http.GetAsync("health", cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode && body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (time.GetTimestamp() > until)
            {
                throw new TimeoutException("etcd was not healthy within 30 s: " + LastLines());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 10)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private string LastLines()
    {
        lock (_gate)
        {
            return string.Join('\n', _lastLines);
        }
    }
}
