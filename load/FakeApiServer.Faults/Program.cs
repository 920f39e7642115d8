using System.Globalization;
using FakeApiServer.Faults;
using FakeApiServer.Hosting.Flags;

// The long fault runs: dotnet run -c Release --project load/FakeApiServer.Faults -- --scenario crash|disk|fuzz|concurrency|worst-input|all
// --budget 10m|200k [--seed N] (--help lists them). Prints each scenario's figures; exit code 1 when any expectation
// failed, 2 on bad flags (one line, as the server's).
var flags = new FlagSet(
    "FakeApiServer.Faults [flags]",
    "The long fault runs: crashes, disk faults, fuzzed and hostile input, concurrency; prints each scenario's figures and exits 1 when an expectation failed.",
    [
        new("scenario", "Run", "all", "crash, disk, fuzz, concurrency, worst-input or all."),
        new("budget", "Run", "", "How long or how many inputs each scenario gets, e.g. 10m or 200k; each scenario's long budget when not given."),
        new("seed", "Run", "", "The random seed, to repeat a run; a new one each run when not given.", "int"),
    ]);
string scenario = "all";
string? budgetText = null;
var seed = Environment.TickCount & 0x7fffffff;
try
{
    if (flags.Parse(args) is not { } given)
    {
        await Console.Out.WriteAsync(flags.Help());
        return 0;
    }

    scenario = given.GetValueOrDefault("scenario", scenario);
    budgetText = given.GetValueOrDefault("budget");
    seed = given.TryGetValue("seed", out var seedText)
        ? int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"invalid value \"{seedText}\" for flag --seed: must be a whole number")
        : seed;
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync("Error: " + e.Message);
    return 2;
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
