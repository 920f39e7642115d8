using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>The rows of a report's tables, shared by the console table and the Markdown writer.</summary>
internal static class ReportRows
{
    /// <summary>Headers of the measurement table.</summary>
    public static readonly string[] MeasurementHeader =
        ["load test", "model", "requests", "RPS", "p50 ms", "p75 ms", "p95 ms", "p99 ms", "max ms", "errors", "MiB"];

    /// <summary>Headers of the target table.</summary>
    public static readonly string[] TargetHeader = ["target", "actual", "reference", "ratio", "required", "verdict"];

    /// <summary>Headers of the metric table.</summary>
    public static readonly string[] MetricHeader = ["metric", "value", "unit"];

    /// <summary>One row per measurement.</summary>
    public static IEnumerable<string[]> Measurements(ScenarioReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Measurements.Select(m => new[]
        {
            m.Name, m.Model, N(m.Requests), F(m.Rps, "0"), F(m.P50), F(m.P75), F(m.P95), F(m.P99), F(m.Max),
            m.Errors == 0 ? "0" : string.Join(' ', m.ErrorsByStatus.Select(e => $"{e.Key}:{e.Value}")),
            F(m.Bytes / 1048576.0, "0.0"),
        });
    }

    /// <summary>One row per target.</summary>
    public static IEnumerable<string[]> Targets(ScenarioReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Targets.Select(t => new[]
        {
            t.Target, $"{F(t.Actual)} {t.Unit}", $"{F(t.Reference)} {t.Unit}", F(t.Ratio), t.Requirement, t.Pass ? "PASS" : "FAIL",
        });
    }

    /// <summary>One row per metric.</summary>
    public static IEnumerable<string[]> Metrics(ScenarioReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Metrics.Select(m => new[] { m.Name, F(m.Value), m.Unit });
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, string format = "0.00") =>
        double.IsNaN(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1000 ? "N0" : format, CultureInfo.InvariantCulture);
}
