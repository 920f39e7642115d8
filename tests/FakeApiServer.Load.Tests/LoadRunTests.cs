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
    public async Task The_instruments_scenario_measures_servers_of_each_setting_in_processes_of_their_own()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        using var console = new StringWriter();

        var summary = await LoadRun.RunAsync(
            LoadOptions.Parse(["--smoke", "--scenario", "instruments", "--output", _output]), console, TimeProvider.System, timeout.Token);

        var report = Assert.Single(summary.Reports, r => r.Name == "instruments");
        Assert.Equal(0, report.UnexpectedErrors);
        Assert.Equal(2, report.Targets.Count);
        // Three servers of each setting, each measured in every block (plus a warm-up) for create and for GET.
        foreach (var setting in new[] { "metrics off", "metrics on" })
        {
            foreach (var instance in new[] { 1, 2, 3 })
            {
                var runs = report.Measurements.Where(m => m.Name.Contains($"{setting} #{instance},", StringComparison.Ordinal)).ToList();
                Assert.Equal(10, runs.Count);
            }
        }

        // The server CPU is read from the child processes (a smoke run's periods are shorter than /proc's tick, so summed).
        Assert.True(report.Measurements.Sum(m => m.Cpu?.ServerMs ?? 0) > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_in_a_process_of_its_own_has_its_instruments_on_or_off_as_asked(bool metrics)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Directory.CreateDirectory(_output);
        await using var server = await ServerUnderTest.StartHostProcessAsync(_output, metrics, timeout.Token);

        await server.CreateNamespaceAsync("probe", timeout.Token);
        var (status, body) = await HttpDriver.SendForBodyAsync(server.Http, HttpDriver.Get("/metrics"), timeout.Token);

        Assert.Equal(200, status);
        var text = System.Text.Encoding.UTF8.GetString(body);
        Assert.Equal(metrics, text.Contains("apiserver_request_total{", StringComparison.Ordinal));
        Assert.True(server.ProcessorTime?.Invoke() > TimeSpan.Zero);
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
