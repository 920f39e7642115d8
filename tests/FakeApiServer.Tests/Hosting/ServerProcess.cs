using System.Diagnostics;

namespace FakeApiServer.Tests.Hosting;

/// <summary>The fakeapiserver program as a child process (the build puts fakeapiserver.dll beside the tests).</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly System.Text.StringBuilder _stderr = new();

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static ServerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fakeapiserver.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new ServerProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the kubeconfig the server writes once it answers requests, and returns the server URL in it.</summary>
    public static async Task<Uri> WaitForKubeconfigAsync(string path, ServerProcess process, CancellationToken cancellationToken)
    {
        while (!File.Exists(path))
        {
            if (process._process.HasExited)
            {
                throw new InvalidOperationException("the server exited: " + process.Stderr + process.Stdout);
            }

            await Task.Delay(20, cancellationToken);
        }

        var line = File.ReadAllLines(path).Single(l => l.TrimStart().StartsWith("server:", StringComparison.Ordinal));
        return new Uri(line.Split("server:", 2)[1].Trim() + "/");
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager or Ctrl-C would.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>kill -9: no chance to flush or close anything.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(System.Text.StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
