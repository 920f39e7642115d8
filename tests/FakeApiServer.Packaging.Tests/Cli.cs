using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace FakeApiServer.Packaging.Tests;

/// <summary>Runs command-line tools (dotnet, kubectl, the installed tool) with a clean environment and a deadline.</summary>
internal static class Cli
{
    /// <summary>The dotnet host running these tests, so the inner commands use the same SDK install.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    /// <summary>Runs a command to completion; fails the test with its output when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(file, args, workingDirectory, environment, out var output);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {string.Join(' ', args)}' did not finish within {timeout}:\n{output}");
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($"'{file} {string.Join(' ', args)}' exited with {process.ExitCode}:\n{output}");
        }

        return output.ToString();
    }

    /// <summary>Starts a command; its stdout and stderr lines are appended to <paramref name="output"/>.</summary>
    public static Process Start(string file, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment, out Output output)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // `dotnet test` hands MSBuild and test-platform variables to its children; the inner SDK commands must not see them.
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var sink = new Output();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => sink.Add(e.Data);
        process.ErrorDataReceived += (_, e) => sink.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = sink;
        return process;
    }

    /// <summary>The lines a process wrote so far, stdout and stderr interleaved.</summary>
    internal sealed class Output
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is not null)
            {
                _lines.Enqueue(line);
            }
        }

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}
