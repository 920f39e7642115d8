using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// The command line: --scenario &lt;name|all&gt;, --duration 10s, --quick, --smoke, --runs 3, --soak-duration 2m,
/// --output &lt;folder&gt; (default load/results under the repository), --scale-counts 10k,100k,1M (the scale scenario's
/// sizes), --watchers 1,100,1000,10000 (the fan-out scenario's watcher counts).
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

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: FakeApiServer.Load [--scenario <name|all>] [--duration 10s] [--quick | --smoke] [--runs N]
                                  [--soak-duration 10m] [--output <folder>]
                                  [--scale-counts 10k,100k,1M] [--watchers 1,100,1000,10000]
        """;

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> with a message for the user.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LoadOptions();
        TimeSpan? duration = null;
        TimeSpan? soak = null;
        IReadOnlyList<int>? scaleCounts = null;
        IReadOnlyList<int>? watchers = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenario": options = options with { Scenario = Value() }; break;
                case "--duration": duration = ParseDuration(Value()); break;
                case "--soak-duration": soak = ParseDuration(Value()); break;
                case "--quick": options = options with { Profile = RunProfile.Quick }; break;
                case "--smoke": options = options with { Profile = RunProfile.Smoke }; break;
                case "--runs": options = options with { Runs = int.TryParse(Value(), CultureInfo.InvariantCulture, out var runs) && runs > 0 ? runs : throw new FormatException("--runs must be a positive number") }; break;
                case "--output": options = options with { Output = Value() }; break;
                case "--scale-counts": scaleCounts = ParseCounts(args[i], Value()); break;
                case "--watchers": watchers = ParseCounts(args[i], Value()); break;
                default: throw new FormatException($"unknown argument {args[i]}");
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
