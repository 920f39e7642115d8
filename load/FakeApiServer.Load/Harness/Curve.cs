namespace FakeApiServer.Load.Harness;

/// <summary>
/// A figure measured at several sizes (objects, watchers), so a reader sees how the cost grows: written as a table in
/// report.md and as an SVG plot beside it.
/// </summary>
/// <param name="Title">What it shows, e.g. "GET rate by stored objects".</param>
/// <param name="XLabel">The size's name and unit.</param>
/// <param name="YLabel">The figure's name and unit.</param>
/// <param name="Series">One line per thing measured (the server, its ceiling).</param>
internal sealed record Curve(string Title, string XLabel, string YLabel, IReadOnlyList<CurveSeries> Series)
{
    /// <summary>Every x of every series, ascending, once.</summary>
    public IReadOnlyList<double> Xs => Series.SelectMany(s => s.Points).Select(p => p.X).Distinct().Order().ToList();

    /// <summary>The file name of its plot: the scenario's name and a slug of the title.</summary>
    public string FileName(string scenario) =>
        scenario + "-" + string.Concat(Title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-') + ".svg";
}

/// <summary>One line of a curve.</summary>
/// <param name="Label">Its legend.</param>
/// <param name="Points">Its points, in x order.</param>
internal sealed record CurveSeries(string Label, IReadOnlyList<CurvePoint> Points);

/// <summary>One measured point.</summary>
/// <param name="X">The size.</param>
/// <param name="Y">The figure.</param>
internal sealed record CurvePoint(double X, double Y);
