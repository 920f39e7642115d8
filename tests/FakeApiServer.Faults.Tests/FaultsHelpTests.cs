using System.Diagnostics;

namespace FakeApiServer.Faults.Tests;

/// <summary>The faults program as users start it: --help, and one line with exit code 2 for a flag it does not take.</summary>
public sealed class FaultsHelpTests
{
    [Fact]
    public async Task Help_lists_the_flags_with_defaults_and_exits_0()
    {
        var (code, stdout, stderr) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("Usage:\n  FakeApiServer.Faults [flags]\n\nRun flags:\n\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n      --scenario string +crash, disk, fuzz, concurrency, worst-input or all\. \(default all\)\n", stdout);
        Assert.Matches(@"\n      --seed int +The random seed", stdout);
    }

    [Fact]
    public async Task Unknown_flag_is_one_line_and_exit_code_2()
    {
        var (code, stdout, stderr) = await RunAsync("--frobnicate");

        Assert.Equal(2, code);
        Assert.Equal("Error: unknown flag: --frobnicate\n", stderr);
        Assert.Equal("", stdout);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FakeApiServer.Faults.dll"));
        args.ToList().ForEach(info.ArgumentList.Add);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
