using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;

// The load harness of issue 9: ceilings and scenarios, reported as a table and as report.md/report.json.
// `--serve-bare` is the minimal Kestrel process the cold-start ceiling starts as a child, `--serve-floor <dir>` the same with
// KubernetesClient, System.Text.Json and an SQLite store of one object (the cold-start floor); `--serve-ceiling <name> <dir>`
// serves one ceiling in a process of its own, so its CPU is measured apart from the client's; `--serve-server <setting> <dir>`
// does the same for a FakeApiServer with its instruments on or off (the instruments scenario).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args is [ColdStartCeiling.ServeBareArgument])
{
    return await ColdStartCeiling.ServeBareAsync(cancel.Token);
}

if (args is [ColdStartFloor.Argument, var floorDir])
{
    return await ColdStartFloor.ServeAsync(floorDir, cancel.Token);
}

if (args is [CeilingServer.Argument, var ceiling, var workDir])
{
    return await CeilingServer.ServeAsync(ceiling, workDir, cancel.Token);
}

if (args is [ServerHostProcess.Argument, var setting, var dataDir])
{
    return await ServerHostProcess.ServeAsync(setting, dataDir, cancel.Token);
}

LoadOptions options;
try
{
    if (LoadOptions.ParseOrHelp(args) is not { } parsed)
    {
        await Console.Out.WriteAsync(LoadOptions.Flags().Help());
        return 0;
    }

    options = parsed;
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync("Error: " + e.Message);
    return 2;
}

var summary = await LoadRun.RunAsync(options, Console.Out, TimeProvider.System, cancel.Token);
return summary.Reports.Any(r => r.UnexpectedErrors > 0) ? 1 : 0;
