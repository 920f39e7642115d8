using System.Globalization;
using FakeApiServer.Hosting.Flags;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// The command line (<see cref="Flags"/>): --scenario &lt;name|all&gt;, --duration 10s, --quick, --smoke, --runs 3,
/// --soak-duration 2m, --output &lt;folder&gt;, --scale-counts 10k,100k,1M, --watchers 1,100,1000,10000; --help lists them.
/// </summary>
internal sealed record LoadOptions
{
    /// <summary>A scenario name, or "all".</summary>
    public string Scenario { get; init; } = "all";

    /// <summary>Sizes and durations.</summary>
    public RunProfile Profile { get; init; } = RunProfile.Full;

    /// <summary>Runs per scenario; the median run is reported.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Where results/&lt;timestamp&gt;/ folders go; null for load/results in the repository.</summary>
    public string? Output { get; init; }

    /// <summary>The program's flags, declared once (<c>--help</c> prints them).</summary>
    public static FlagSet Flags() => new(
        "FakeApiServer.Load [flags]",
        "The load harness: ceilings and scenarios against FakeApiServer, reported as a table and as report.md/report.json.",
        [
            new("scenario", "Run", "all", "A scenario name, or all."),
            new("runs", "Run", "1", "Runs per scenario; the median run is reported.", "int"),
            new("output", "Run", "load/results", "The folder results/<timestamp>/ folders go to."),
            Flag.Boolean("quick", "Profile", "", "Every scenario with smaller counts."),
            Flag.Boolean("smoke", "Profile", "", "Every scenario in seconds (what the tests run)."),
            new("duration", "Profile", "", "How long each timed scenario runs, e.g. 500ms, 10s, 2m; the profile's when not given.", "duration"),
            new("soak-duration", "Profile", "", "How long the churn scenario soaks, e.g. 10m; the profile's when not given.", "duration"),
            new("scale-counts", "Profile", "", "The scale scenario's sizes, e.g. 10k,100k,1M.", "counts"),
            new("watchers", "Profile", "", "The fan-out scenario's watcher counts, e.g. 1,100,1000,10000.", "counts"),
        ]);

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> with a message for the user (also for --help).</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args) =>
        ParseOrHelp(args) ?? throw new FormatException("--help asks for the help text, not a run");

    /// <summary>Parses the arguments, or null for --help/-h; throws <see cref="FormatException"/> with one line for bad flags.</summary>
    public static LoadOptions? ParseOrHelp(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (Flags().Parse(args) is not { } given)
        {
            return null;
        }

        var options = new LoadOptions();
        TimeSpan? duration = null;
        TimeSpan? soak = null;
        IReadOnlyList<int>? scaleCounts = null;
        IReadOnlyList<int>? watchers = null;
        foreach (var (name, value) in given)
        {
            switch (name)
            {
                case "scenario": options = options with { Scenario = value }; break;
                case "duration": duration = ParseDuration(value); break;
                case "soak-duration": soak = ParseDuration(value); break;
                case "quick" when bool.Parse(value): options = options with { Profile = RunProfile.Quick }; break;
                case "smoke" when bool.Parse(value): options = options with { Profile = RunProfile.Smoke }; break;
                case "runs": options = options with { Runs = int.TryParse(value, CultureInfo.InvariantCulture, out var runs) && runs > 0 ? runs : throw new FormatException("--runs must be a positive number") }; break;
                case "output": options = options with { Output = value }; break;
                case "scale-counts": scaleCounts = ParseCounts("--" + name, value); break;
                case "watchers": watchers = ParseCounts("--" + name, value); break;
            }
        }

        var profile = options.Profile;
        if (duration is { } d)
        {
            profile = profile with { Duration = d };
        }

        if (soak is { } s)
        {
            profile = profile with { SoakDuration = s };
        }

        if (scaleCounts is not null)
        {
            profile = profile with { ScaleCounts = scaleCounts };
        }

        if (watchers is not null)
        {
            profile = profile with { FanOutWatchers = watchers };
        }

        return options with { Profile = profile };
    }

    /// <summary>"10k,100k,1M" or "1,100,1000": ascending positive counts.</summary>
    public static IReadOnlyList<int> ParseCounts(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (number, unit) = part.EndsWith('k') ? (part[..^1], 1_000) : part.EndsWith('M') ? (part[..^1], 1_000_000) : (part, 1);
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value * unit is < 1 or > int.MaxValue)
            {
                throw new FormatException($"{option}: invalid count \"{part}\" (e.g. 10k,100k,1M)");
            }

            counts.Add((int)(value * unit));
        }

        return counts.Count > 0 ? [.. counts.Order()] : throw new FormatException($"{option} needs at least one count");
    }

    /// <summary>"500ms", "10s", "2m", "1h".</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1)
            : text.EndsWith('m') ? (text[..^1], 60)
            : text.EndsWith('h') ? (text[..^1], 3600)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new FormatException($"invalid duration \"{text}\" (e.g. 500ms, 10s, 2m)");
    }
}
