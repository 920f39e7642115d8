using FakeApiServer.Load.Harness;
using FakeApiServer.Load.Scenarios;

namespace FakeApiServer.Load.Tests;

/// <summary>The harness itself: every scenario runs in --smoke mode and reports. Performance targets are not asserted here.</summary>
public sealed class LoadRunTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "fakeapiserver-load-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Every_scenario_completes_requests_without_unexpected_errors_and_writes_its_report()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        using var console = new StringWriter();

        var summary = await LoadRun.RunAsync(
            LoadOptions.Parse(["--smoke", "--output", _output]), console, TimeProvider.System, timeout.Token);

        Assert.Equal(ScenarioCatalog.All.Select(s => s.Name), summary.Reports.Select(r => r.Name));
        Assert.All(summary.Reports, report =>
        {
            Assert.True(report.Requests > 0, $"{report.Name} made no requests");
            Assert.True(report.UnexpectedErrors == 0, $"{report.Name}: {report.UnexpectedErrors} unexpected errors; {string.Join("; ", report.Notes)}");
            Assert.NotEmpty(report.Targets);
        });
        var markdown = await File.ReadAllTextAsync(summary.MarkdownPath, timeout.Token);
        var json = await File.ReadAllTextAsync(summary.JsonPath, timeout.Token);
        Assert.All(summary.Reports, report =>
        {
            Assert.Contains($"## {report.Name}", markdown, StringComparison.Ordinal);
            Assert.Contains($"\"name\": \"{report.Name}\"", json, StringComparison.Ordinal);
        });
        Assert.Contains("ceiling: bare Kestrel GET, fixed 2 KiB body", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_arguments_and_bad_durations_are_rejected_with_a_message()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), LoadOptions.Parse(["--soak-duration", "2m"]).Profile.SoakDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(500), LoadOptions.Parse(["--duration", "500ms"]).Profile.Duration);
        Assert.Contains("--frobnicate", Assert.Throws<FormatException>(() => LoadOptions.Parse(["--frobnicate"])).Message, StringComparison.Ordinal);
        Assert.Contains("10x", Assert.Throws<FormatException>(() => LoadOptions.Parse(["--duration", "10x"])).Message, StringComparison.Ordinal);
        Assert.Equal([10_000, 100_000, 1_000_000], LoadOptions.Parse(["--scale-counts", "1M,10k,100k"]).Profile.ScaleCounts);
        Assert.Equal([1, 10_000], LoadOptions.Parse(["--quick", "--watchers", "1,10000"]).Profile.FanOutWatchers);
        Assert.Contains("ten", Assert.Throws<FormatException>(() => LoadOptions.Parse(["--scale-counts", "ten"])).Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
