using System.Diagnostics;
using System.Text.Json;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>The versions the suite runs are the ones their labels say.</summary>
public sealed class KubectlToolTests
{
    [KubectlFact]
    public async Task Each_tested_binary_reports_its_labelled_version()
    {
        var versions = KubectlTool.Tested;
        Assert.NotEmpty(versions);
        Assert.Equal(versions.Count, versions.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain("missing", versions);
        foreach (var version in versions)
        {
            var info = new ProcessStartInfo(KubectlTool.PathOf(version))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "version", "--client", "-o", "json" })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(Kubectl.DefaultTimeout);
            var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            using var json = JsonDocument.Parse(stdout);
            var client = json.RootElement.GetProperty("clientVersion");
            if (KubectlTool.MinorOf(version) is { } minor)
            {
                Assert.Equal($"1.{minor}", client.GetProperty("major").GetString() + "." + client.GetProperty("minor").GetString());
            }
        }
    }
}
