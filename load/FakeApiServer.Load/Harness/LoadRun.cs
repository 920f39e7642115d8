using System.Globalization;
using System.Runtime.InteropServices;
using FakeApiServer.Load.Scenarios;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// The harness entry point: runs the chosen scenarios (each <see cref="LoadOptions.Runs"/> times, the median run
/// kept), prints each report, and writes report.md and report.json under results/&lt;timestamp&gt;/.
/// </summary>
internal static class LoadRun
{
    /// <summary>Runs and reports; the summary says where the files are.</summary>
    public static async Task<RunSummary> RunAsync(LoadOptions options, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var scenarios = options.Scenario == "all"
            ? ScenarioCatalog.All
            : ScenarioCatalog.Named.Where(s => s.Name == options.Scenario).ToList() is { Count: > 0 } chosen
                ? chosen
                : throw new FormatException($"unknown scenario \"{options.Scenario}\"; one of: all, {string.Join(", ", ScenarioCatalog.Named.Select(s => s.Name))}");
        var started = time.GetUtcNow();
        var reports = new List<ScenarioReport>();
        ScenarioReport ceilings;
        await using (var context = new RunContext(options.Profile, time, output))
        {
            foreach (var scenario in scenarios)
            {
                var runs = new List<ScenarioReport>();
                for (var run = 0; run < options.Runs; run++)
                {
                    output.WriteLine($"scenario {scenario.Name} ({options.Profile.Name}, run {run + 1} of {options.Runs})");
                    runs.Add(await RunOnceAsync(context, scenario, cancellationToken));
                }

                var median = Median(runs);
                if (options.Runs > 1)
                {
                    median.Notes.Add($"median of {options.Runs} runs by {(median.Targets.Count > 0 ? "the first target's ratio" : "the first load test's RPS")}");
                }

                reports.Add(median);
                ConsoleTableWriter.Write(output, median);
            }

            ceilings = context.Ceilings.Report;
        }

        ConsoleTableWriter.Write(output, ceilings);
        var summary = new RunSummary
        {
            StartedAt = started,
            Profile = options.Profile.Name,
            Runs = options.Runs,
            Machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
            Ceilings = ceilings,
            Reports = reports,
        };
        var directory = Path.Combine(options.Output ?? DefaultOutput(), started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + options.Profile.Name);
        Directory.CreateDirectory(directory);
        summary = summary with { Directory = directory, MarkdownPath = Path.Combine(directory, "report.md"), JsonPath = Path.Combine(directory, "report.json") };
        await MarkdownReportWriter.WriteAsync(summary.MarkdownPath, summary, cancellationToken);
        await JsonReportWriter.WriteAsync(summary.JsonPath, summary, cancellationToken);
        foreach (var report in reports)
        {
            foreach (var curve in report.Curves)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, curve.FileName(report.Name)), SvgPlot.Render(curve), cancellationToken);
            }
        }

        var failed = reports.SelectMany(r => r.Targets.Where(t => !t.Pass).Select(t => $"{r.Name}: {t.Target}")).ToList();
        output.WriteLine();
        output.WriteLine($"targets: {reports.Sum(r => r.Targets.Count) - failed.Count} pass, {failed.Count} fail");
        foreach (var target in failed)
        {
            output.WriteLine("  FAIL " + target);
        }

        output.WriteLine($"report: {summary.MarkdownPath}");
        return summary;
    }

    private static async Task<ScenarioReport> RunOnceAsync(RunContext context, IScenario scenario, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport { Name = scenario.Name };
        var start = context.Time.GetTimestamp();
        try
        {
            await scenario.RunAsync(context, report, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One broken scenario must not hide the others' figures: it is reported as failed.
            report.CheckErrors++;
            report.Notes.Add($"FAILED: {e.GetType().Name}: {e.Message}");
            context.Progress($"{scenario.Name} failed: {e}");
        }

        report.ElapsedSeconds = context.Time.GetElapsedTime(start).TotalSeconds;
        return report;
    }

    private static ScenarioReport Median(List<ScenarioReport> runs)
    {
        double Key(ScenarioReport r) => r.Targets.Count > 0 ? r.Targets[0].Ratio : r.Measurements.FirstOrDefault()?.Rps ?? 0;
        return runs.OrderBy(r => double.IsNaN(Key(r)) ? double.MinValue : Key(r)).ElementAt(runs.Count / 2);
    }

    private static string DefaultOutput()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FakeApiServer.sln")))
            {
                return Path.Combine(dir.FullName, "load", "results");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "load-results");
    }
}
