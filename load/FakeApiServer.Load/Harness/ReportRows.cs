using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>The rows of a report's tables, shared by the console table and the Markdown writer.</summary>
internal static class ReportRows
{
    /// <summary>Headers of the measurement table.</summary>
    public static readonly string[] MeasurementHeader =
        ["load test", "model", "requests", "RPS", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "server CPU ms/req", "client CPU ms/req", "errors", "MiB"];

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
            m.Name, m.Model, N(m.Requests), F(m.Rps, "0"), F(m.P50), F(m.P90), F(m.P99), F(m.P999), F(m.Max),
            F(m.ServerCpuMsPerRequest, "0.000"), F(m.ClientCpuMsPerRequest, "0.000"),
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

    /// <summary>Headers of a curve's table: the size, then one column per series.</summary>
    public static string[] CurveHeader(Curve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return [curve.XLabel, .. curve.Series.Select(s => s.Label)];
    }

    /// <summary>One row per size of a curve.</summary>
    public static IEnumerable<string[]> CurveRows(Curve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.Xs.Select(x => (string[])[
            SvgPlot.Number(x), .. curve.Series.Select(s => s.Points.FirstOrDefault(p => p.X == x) is { } point ? F(point.Y) : "-")]);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, string format = "0.00") =>
        double.IsNaN(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1000 ? "N0" : format, CultureInfo.InvariantCulture);
}
