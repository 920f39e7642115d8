using System.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>Writes a run's reports as one Markdown file (the tables docs/benchmarks.md quotes).</summary>
internal static class MarkdownReportWriter
{
    /// <summary>Writes <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, RunSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var md = new StringBuilder();
        md.AppendLine($"# FakeApiServer load run {summary.StartedAt:yyyy-MM-dd HH:mm:ss} UTC").AppendLine();
        md.AppendLine($"profile {summary.Profile}, {summary.Runs} run(s) per scenario (median reported), {summary.Machine}").AppendLine();
        foreach (var report in summary.Reports.Prepend(summary.Ceilings))
        {
            md.AppendLine($"## {report.Name}").AppendLine();
            md.AppendLine($"{report.ElapsedSeconds:0.0} s, {report.Requests:N0} requests, {report.UnexpectedErrors} unexpected errors").AppendLine();
            Table(md, ReportRows.MeasurementHeader, ReportRows.Measurements(report));
            Table(md, ReportRows.MetricHeader, ReportRows.Metrics(report));
            Table(md, ReportRows.TargetHeader, ReportRows.Targets(report));
            foreach (var curve in report.Curves)
            {
                md.AppendLine($"**{curve.Title}** ({curve.YLabel})").AppendLine();
                Table(md, ReportRows.CurveHeader(curve), ReportRows.CurveRows(curve));
                md.AppendLine($"![{curve.Title}]({curve.FileName(report.Name)})").AppendLine();
            }

            foreach (var note in report.Notes)
            {
                md.AppendLine("- " + note);
            }

            md.AppendLine();
        }

        await File.WriteAllTextAsync(path, md.ToString(), cancellationToken);
    }

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in list)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        md.AppendLine();
    }
}
