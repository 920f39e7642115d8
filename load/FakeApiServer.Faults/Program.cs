using System.Globalization;
using FakeApiServer.Faults;

// The long fault runs: dotnet run -c Release --project load/FakeApiServer.Faults -- --scenario crash|disk|fuzz|concurrency|worst-input|all
// --budget 10m|200k [--seed N]. Prints each scenario's figures; exit code 1 when any expectation failed, 2 on bad flags.
string scenario = "all";
string? budgetText = null;
var seed = Environment.TickCount & 0x7fffffff;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scenario" when i + 1 < args.Length:
            scenario = args[++i];
            break;
        case "--budget" when i + 1 < args.Length:
            budgetText = args[++i];
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            await Console.Error.WriteLineAsync($"faults: unknown argument '{args[i]}'; usage: --scenario crash|disk|fuzz|concurrency|worst-input|all --budget 10m|200k [--seed N]");
            return 2;
    }
}

string[] scenarios = scenario == "all" ? ["concurrency", "fuzz", "disk", "crash", "worst-input"] : [scenario];
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var failed = false;
foreach (var name in scenarios)
{
    var budget = budgetText is null ? Scenarios.LongBudget(name) : FaultBudget.Parse(budgetText);
    Console.WriteLine($"running {name} with seed {seed}, budget {budgetText ?? "default"}");
    var report = await Scenarios.RunAsync(name, budget, seed, Console.Out, cancel.Token);
    Console.WriteLine(report);
    failed |= report.Failures.Count > 0;
}

return failed ? 1 : 0;
