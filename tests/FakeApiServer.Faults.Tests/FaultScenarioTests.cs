using Xunit.Abstractions;

namespace FakeApiServer.Faults.Tests;

/// <summary>
/// The fault scenarios of load/FakeApiServer.Faults with CI budgets (the long runs use the same code):
/// each must find nothing lost and nothing wrong, and must have done real work, so that it could have failed.
/// </summary>
public sealed class FaultScenarioTests(ITestOutputHelper output)
{
    private const int Seed = 20261129;

    [Fact]
    public async Task Acknowledged_writes_survive_kill_9_and_resumed_watchers_see_each_once_in_order()
    {
        var report = await RunAsync("crash", new FaultBudget(TimeSpan.FromSeconds(40), 3));

        Assert.Equal(3, report.Get("crashes survived (kill -9, restart)"));
        Assert.True(report.Get("writes acknowledged") > 50, "too few writes to prove anything");
        Assert.True(report.Get("acknowledged writes checked in the watch") > 50, "the watcher checked too few writes");
        Assert.Equal(0, report.Get("acknowledged writes lost"));
    }

    [Fact]
    public async Task A_full_disk_fails_writes_with_a_500_Status_keeps_reads_and_recovers_without_restart()
    {
        var report = await RunAsync("disk", new FaultBudget(TimeSpan.FromSeconds(30), 1));

        Assert.True(report.Get("writes refused on a full disk") > 0);
        Assert.Equal(1, report.Get("recoveries from a full disk without restart"));
        Assert.True(report.Get("acknowledged writes checked after restart") > 0);
        Assert.Equal(0, report.Get("acknowledged writes lost"));
        Assert.Equal(1, report.Get("corrupt database: exit code"));
    }

    [Fact]
    public async Task Bad_input_never_gets_a_5xx_or_a_4xx_that_is_not_a_Status()
    {
        var report = await RunAsync("fuzz", new FaultBudget(TimeSpan.FromSeconds(30), 1500));

        Assert.Equal(1500, report.Get("inputs tried"));
        Assert.Equal(0, report.Get("5xx (but 504 too large RV), dropped or hung"));
    }

    [Fact]
    public async Task Racing_writers_with_resourceVersion_preconditions_lose_no_increment()
    {
        var report = await RunAsync("concurrency", new FaultBudget(TimeSpan.FromSeconds(30), 200));

        Assert.Equal(100, report.Get("put: successful increments"));
        Assert.Equal(100, report.Get("put: final counter"));
        Assert.Equal(100, report.Get("merge-patch: successful increments"));
        Assert.Equal(100, report.Get("merge-patch: final counter"));
        Assert.True(report.Get("put: 409 Conflicts (retried)") > 0, "64 writers never raced");
    }

    private async Task<ScenarioReport> RunAsync(string scenario, FaultBudget budget)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var log = new StringWriter();
        var report = await Scenarios.RunAsync(scenario, budget, Seed, log, cts.Token);
        output.WriteLine(log.ToString());
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, report.ToString());
        return report;
    }
}
