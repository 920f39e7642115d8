using System.Diagnostics;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// A server started as a child process (`dotnet some.dll args`) whose URL is read from a stdout line
/// "... is serving on &lt;url&gt;". Every output line is kept, so a scenario can look at the server log.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const string ServingOn = " is serving on ";

    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private ChildProcess(Process process) => _process = process;

    /// <summary>Every line written so far to stdout and stderr.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The processor time the child has used so far (user plus system, all its threads).</summary>
    public TimeSpan ProcessorTime => _process.TotalProcessorTime;

    /// <summary>The child's resident set in bytes, read now.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Starts `dotnet <paramref name="dll"/> <paramref name="arguments"/>`.</summary>
    public static ChildProcess Start(string dll, params string[] arguments) => StartDotnet([dll, .. arguments]);

    /// <summary>
    /// Starts `dotnet exec --runtimeconfig <paramref name="runtimeConfig"/> <paramref name="dll"/> <paramref name="arguments"/>`:
    /// the program with another program's runtime settings (its thread pool's and collector's).
    /// </summary>
    public static ChildProcess StartWithRuntimeConfig(string runtimeConfig, string dll, params string[] arguments) =>
        StartDotnet(["exec", "--runtimeconfig", runtimeConfig, dll, .. arguments]);

    private static ChildProcess StartDotnet(IReadOnlyList<string> dotnetArguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in dotnetArguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The URL the child printed.</summary>
    public Task<Uri> UrlAsync(CancellationToken cancellationToken) => _url.Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _url.TrySetException(new InvalidOperationException("The child process ended before printing its URL: " + string.Join('\n', Lines.TakeLast(5))));
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }

        var at = line.IndexOf(ServingOn, StringComparison.Ordinal);
        if (at >= 0)
        {
            var rest = line[(at + ServingOn.Length)..].Split(' ')[0];
            _url.TrySetResult(new Uri(rest));
        }
    }
}
