namespace FakeApiServer.Load.Harness;

/// <summary>Prints reports as aligned plain-text tables, as NBomber prints its console summary.</summary>
internal static class ConsoleTableWriter
{
    /// <summary>Writes one report.</summary>
    public static void Write(TextWriter output, ScenarioReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine();
        output.WriteLine($"== {report.Name} ({report.ElapsedSeconds:0.0} s, {report.Requests:N0} requests, {report.UnexpectedErrors} unexpected errors)");
        Table(output, ReportRows.MeasurementHeader, ReportRows.Measurements(report).ToList());
        Table(output, ReportRows.MetricHeader, ReportRows.Metrics(report).ToList());
        Table(output, ReportRows.TargetHeader, ReportRows.Targets(report).ToList());
        foreach (var curve in report.Curves)
        {
            output.WriteLine($"  {curve.Title} ({curve.YLabel})");
            Table(output, ReportRows.CurveHeader(curve), ReportRows.CurveRows(curve).ToList());
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine("  note: " + note);
        }
    }

    private static void Table(TextWriter output, string[] header, List<string[]> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => "  " + string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        output.WriteLine(Line(header));
        output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }
    }
}
