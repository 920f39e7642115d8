using System.Diagnostics;
using System.Text;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// One kubectl version pointed at one cluster: a fresh temp folder holding the kubeconfig, the discovery cache
/// (keyed by host:port, so never shared) and any manifests. Commands run with a timeout and their stdout and stderr
/// captured separately. HOME is the temp folder and KUBECONFIG is unset, so nothing of the user's leaks in.
/// </summary>
public sealed class Kubectl : IDisposable
{
    /// <summary>The longest any single command may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private Kubectl(string version, string binary, string folder, string kubeconfig)
    {
        Version = version;
        Binary = binary;
        Folder = folder;
        Kubeconfig = kubeconfig;
        CacheDir = Path.Combine(folder, "cache");
    }

    /// <summary>The version label, e.g. "1.27".</summary>
    public string Version { get; }

    /// <summary>The kubectl binary.</summary>
    public string Binary { get; }

    /// <summary>The temp folder; also the working directory of every command.</summary>
    public string Folder { get; }

    /// <summary>The kubeconfig written by <see cref="FakeCluster.WriteKubeconfig"/>.</summary>
    public string Kubeconfig { get; }

    /// <summary>The --cache-dir (inside <see cref="Folder"/>).</summary>
    public string CacheDir { get; }

    /// <summary>Writes a kubeconfig for <paramref name="cluster"/> into a fresh temp folder.</summary>
    /// <param name="cluster">The server.</param>
    /// <param name="version">A label from <see cref="KubectlTool.OldestAndNewest"/>.</param>
    /// <param name="server">The server URL to put into the kubeconfig instead of the cluster's (e.g. a proxy's).</param>
    public static Kubectl For(FakeCluster cluster, string version, Uri? server = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var binary = KubectlTool.PathOf(version);
        var folder = Directory.CreateTempSubdirectory("fakeapiserver-kubectl-").FullName;
        var kubeconfig = Path.Combine(folder, "kubeconfig");
        cluster.WriteKubeconfig(kubeconfig);
        if (server is not null)
        {
            var original = cluster.BaseAddress.GetLeftPart(UriPartial.Authority);
            var text = File.ReadAllText(kubeconfig);
            Assert.Contains(original, text, StringComparison.Ordinal);
            File.WriteAllText(kubeconfig, text.Replace(original, server.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        }

        return new Kubectl(version, binary, folder, kubeconfig);
    }

    /// <summary>A copy of the kubeconfig at <paramref name="kubeconfig"/> (e.g. one a server process wrote) in a fresh temp folder.</summary>
    /// <param name="kubeconfig">The kubeconfig to copy.</param>
    /// <param name="version">A label from <see cref="KubectlTool.OldestAndNewest"/>.</param>
    public static Kubectl ForKubeconfig(string kubeconfig, string version)
    {
        var folder = Directory.CreateTempSubdirectory("fakeapiserver-kubectl-").FullName;
        var copy = Path.Combine(folder, "kubeconfig");
        File.Copy(kubeconfig, copy);
        return new Kubectl(version, KubectlTool.PathOf(version), folder, copy);
    }

    /// <summary>Writes a file into the temp folder and returns its full path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs one command to its end (or kills it after <see cref="DefaultTimeout"/> and fails).</summary>
    public Task<KubectlResult> RunAsync(params string[] args) => RunAsync(args, DefaultTimeout);

    /// <summary>Runs one command to its end (or kills it after <paramref name="timeout"/> and fails).</summary>
    public Task<KubectlResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout) => RunAsync(args, timeout, input: "");

    /// <summary>Runs one command with <paramref name="input"/> on its stdin (then closed), e.g. exec -i.</summary>
    public Task<KubectlResult> RunWithInputAsync(string input, params string[] args) => RunAsync(args, DefaultTimeout, input);

    private async Task<KubectlResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, string input)
    {
        using var process = StartProcess(args, input);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timer = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var result = new KubectlResult(Describe(args), process.ExitCode, await stdout, await stderr);
        if (timedOut)
        {
            Assert.Fail($"timed out after {timeout.TotalSeconds:0}s: {result}");
        }

        return result;
    }

    /// <summary>
    /// Runs kubectl on a pseudo-terminal (util-linux script), as a person at a shell does: stdin and stdout are the
    /// terminal, so <c>exec -it</c> puts it in raw mode and sends its size. <paramref name="input"/> is typed once the
    /// command started; the terminal stays open until kubectl exits. Its stdout and stderr both come back as Stdout.
    /// </summary>
    public async Task<KubectlResult> RunInTerminalAsync(string input, params string[] args)
    {
        var command = string.Join(' ', new[] { Binary, "--kubeconfig", Kubeconfig, "--cache-dir", CacheDir }.Concat(args).Select(ShellQuote));
        var info = new ProcessStartInfo("script")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Folder,
        };
        foreach (var arg in new[] { "--quiet", "--flush", "--return", "--command", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = Folder;
        info.Environment["TERM"] = "xterm";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start script");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        await process.StandardInput.FlushAsync();
        using var timer = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"timed out after {DefaultTimeout.TotalSeconds:0}s: {Describe(args)} in a terminal\n{await stdout}{await stderr}");
        }

        process.StandardInput.Close();
        return new KubectlResult(Describe(args) + " (in a terminal)", process.ExitCode, await stdout, await stderr);
    }

    private static string ShellQuote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Starts a long-running command (e.g. get -w) whose output lines can be awaited.</summary>
    public KubectlProcess Start(params string[] args) => new(StartProcess(args, ""), Describe(args));

    /// <summary>Deletes the temp folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing its cache; the OS cleans temp.
        }
    }

    private string Describe(IReadOnlyList<string> args) => $"kubectl {Version} {string.Join(' ', args)}";

    private Process StartProcess(IReadOnlyList<string> args, string input)
    {
        var info = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Folder,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(CacheDir);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = Folder;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + Binary);
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        return process;
    }
}

/// <summary>The outcome of one kubectl command.</summary>
public sealed record KubectlResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty stdout lines.</summary>
    public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Asserts exit code 0 and an empty stderr (no discovery or OpenAPI errors, no warnings).</summary>
    public KubectlResult Succeeded()
    {
        Assert.True(ExitCode == 0 && Stderr.Length == 0, "expected exit code 0 and an empty stderr: " + this);
        return this;
    }

    /// <summary>Asserts a non-zero exit code, an empty stdout and exactly <paramref name="stderr"/> (one line) on stderr.</summary>
    public KubectlResult FailedWith(string stderr)
    {
        Assert.True(ExitCode != 0 && Stdout.Length == 0 && Stderr == stderr + "\n",
            $"expected a failure with stderr \"{stderr}\": {this}");
        return this;
    }

    /// <summary>The row of a table output whose first column is <paramref name="name"/>, split on runs of spaces.</summary>
    public IReadOnlyList<string> Row(string name)
    {
        var row = Lines.Select(Columns).FirstOrDefault(c => c[0] == name);
        Assert.True(row is not null, $"no row \"{name}\" in: {this}");
        return row;
    }

    /// <summary>The header's column names; names are separated by two spaces or more, so "NOMINATED NODE" stays one.</summary>
    public IReadOnlyList<string> Header()
    {
        Assert.True(Lines.Count > 0, "no output: " + this);
        return Lines[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Splits a table line on runs of spaces.</summary>
    public static string[] Columns(string line) =>
        (line ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Command}\n  exit code: {ExitCode}\n  --- stdout ---\n{Stdout}\n  --- stderr ---\n{Stderr}";
}

/// <summary>A running kubectl (e.g. get -w): its stdout lines as they come, its stderr at the end.</summary>
public sealed class KubectlProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _readers;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stdoutEnded;

    internal KubectlProcess(Process process, string command)
    {
        _process = process;
        _command = command;
        _readers = Task.WhenAll(ReadLinesAsync(), ReadErrorsAsync());
    }

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Waits for a stdout line at or after index <paramref name="from"/> that matches, and returns its index.
    /// Fails (with all output so far) after <paramref name="timeout"/> or when the process ends first.
    /// </summary>
    public async Task<int> WaitForLineAsync(Func<string[], bool> match, int from, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var timer = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                for (var i = from; i < _lines.Count; i++)
                {
                    if (match(KubectlResult.Columns(_lines[i])))
                    {
                        return i;
                    }
                }

                changed = _changed.Task;
                if (_stdoutEnded)
                {
                    break;
                }
            }

            try
            {
                await changed.WaitAsync(timer.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Assert.Fail($"no line {what} (from line {from}) within {timeout.TotalSeconds:0}s: {await SnapshotAsync()}");
        return -1;
    }

    /// <summary>Waits for the process to end by itself and returns its whole stdout and stderr.</summary>
    public async Task<KubectlResult> WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the process did not end: " + await SnapshotAsync());
        }

        await _readers;
        return await SnapshotAsync();
    }

    /// <summary>Kills the process and returns its whole stdout and stderr.</summary>
    public async Task<KubectlResult> StopAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _process.WaitForExitAsync();
        await _readers;
        return await SnapshotAsync();
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private Task<KubectlResult> SnapshotAsync()
    {
        lock (_lines)
        {
            var exitCode = _process.HasExited ? _process.ExitCode : -1;
            return Task.FromResult(new KubectlResult(_command + (_process.HasExited ? "" : " (still running)"), exitCode,
                string.Join('\n', _lines) + (_lines.Count > 0 ? "\n" : ""), _stderr.ToString()));
        }
    }

    private async Task ReadLinesAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            Signal(() => _lines.Add(line));
        }

        Signal(() => _stdoutEnded = true);
    }

    private async Task ReadErrorsAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            var text = new string(buffer, 0, read);
            Signal(() => _stderr.Append(text));
        }
    }

    private void Signal(Action update)
    {
        TaskCompletionSource previous;
        lock (_lines)
        {
            update();
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
