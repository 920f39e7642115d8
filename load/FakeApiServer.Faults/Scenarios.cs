namespace FakeApiServer.Faults;

/// <summary>The scenarios by name, and the budgets of their long runs; the CI tests call the same entry point.</summary>
internal static class Scenarios
{
    public static FaultBudget LongBudget(string scenario) => scenario switch
    {
        "crash" => new FaultBudget(TimeSpan.FromMinutes(10), 100),
        "fuzz" => new FaultBudget(TimeSpan.FromMinutes(20), 200_000),
        "concurrency" => new FaultBudget(TimeSpan.FromMinutes(5), 20_000),
        "worst-input" => new FaultBudget(TimeSpan.FromMinutes(1), long.MaxValue),
        _ => new FaultBudget(TimeSpan.FromMinutes(5), 10),
    };

    /// <summary>Runs one scenario in a fresh temporary folder (deleted afterwards).</summary>
    public static async Task<ScenarioReport> RunAsync(string scenario, FaultBudget budget, int seed, TextWriter log, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), "fakeapiserver-faults-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            return scenario switch
            {
                "crash" => await new CrashScenario(budget, seed, work, log).RunAsync(cancellationToken),
                "concurrency" => await new ConcurrencyScenario(budget, seed).RunAsync(cancellationToken),
                "fuzz" => await new FuzzScenario(budget, seed, log).RunAsync(cancellationToken),
                "disk" => await new DiskFaultScenario(budget, seed, work, log).RunAsync(cancellationToken),
                "worst-input" => await new WorstInputMemoryScenario(budget, seed).RunAsync(cancellationToken),
                _ => throw new ArgumentException($"unknown scenario '{scenario}'", nameof(scenario)),
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
