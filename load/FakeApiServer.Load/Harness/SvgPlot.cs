using System.Globalization;
using System.Security;
using System.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// Draws a <see cref="Curve"/> as a self-contained SVG line chart: x on a logarithmic axis (sizes grow tenfold), y linear
/// from zero, one coloured line with markers per series, a legend. No dependency: the SVG is written as text.
/// </summary>
internal static class SvgPlot
{
    private const double Width = 640;
    private const double Height = 400;
    private const double Left = 80;
    private const double Right = 200;
    private const double Top = 40;
    private const double Bottom = 60;
    private static readonly double[] RoundSteps = [1, 2, 5, 10];
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    /// <summary>The SVG document.</summary>
    public static string Render(Curve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var xs = curve.Xs;
        var ys = curve.Series.SelectMany(s => s.Points).Select(p => p.Y).Where(double.IsFinite).ToList();
        var xMin = Math.Log10(Math.Max(xs.Count > 0 ? xs[0] : 1, 1e-9));
        var xMax = Math.Log10(Math.Max(xs.Count > 0 ? xs[^1] : 10, 1e-9));
        if (xMax - xMin < 1e-9)
        {
            xMin -= 0.5;
            xMax += 0.5;
        }

        var yMax = NiceCeiling(ys.Count > 0 ? ys.Max() : 1);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(double x) => Left + ((Math.Log10(Math.Max(x, 1e-9)) - xMin) / (xMax - xMin) * plotWidth);
        double Y(double y) => Top + plotHeight - (y / yMax * plotHeight);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(curve.Title)}</text>\n"));
        for (var i = 0; i <= 5; i++)
        {
            var value = yMax * i / 5;
            var y = Y(value);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotWidth}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Escape(Number(value))}</text>\n"));
        }

        foreach (var x in xs)
        {
            var px = X(x);
            svg.Append(Invariant($"<line x1=\"{px:0.#}\" y1=\"{Top}\" x2=\"{px:0.#}\" y2=\"{Top + plotHeight}\" stroke=\"#eee\"/>\n"));
            svg.Append(Invariant($"<text x=\"{px:0.#}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{Escape(Number(x))}</text>\n"));
        }

        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Left + plotWidth}\" y2=\"{Top + plotHeight}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotHeight}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 18}\" text-anchor=\"middle\">{Escape(curve.XLabel)} (log scale)</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(18 {Top + (plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(curve.YLabel)}</text>\n"));
        for (var s = 0; s < curve.Series.Count; s++)
        {
            var series = curve.Series[s];
            var color = Colors[s % Colors.Length];
            var points = series.Points.Where(p => double.IsFinite(p.Y)).ToList();
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => Invariant($"{X(p.X):0.#},{Y(p.Y):0.#}")))}\"/>\n"));
            foreach (var p in points)
            {
                svg.Append(Invariant($"<circle cx=\"{X(p.X):0.#}\" cy=\"{Y(p.Y):0.#}\" r=\"3.5\" fill=\"{color}\"><title>{Escape(series.Label)}: {Escape(Number(p.X))}, {Escape(Number(p.Y))}</title></circle>\n"));
            }

            var legendY = Top + 10 + (s * 20);
            svg.Append(Invariant($"<line x1=\"{Width - Right + 12}\" y1=\"{legendY}\" x2=\"{Width - Right + 32}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"2\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Width - Right + 38}\" y=\"{legendY + 4}\">{Escape(series.Label)}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>A number as a reader scans it on an axis: 1k, 10k, 1M, 2.5, 0.12.</summary>
    public static string Number(double value) => Math.Abs(value) switch
    {
        >= 1_000_000 when value % 1_000_000 == 0 => Invariant($"{value / 1_000_000:0}M"),
        >= 1_000 when value % 1_000 == 0 => Invariant($"{value / 1_000:0}k"),
        >= 100 => Invariant($"{value:0}"),
        >= 1 => Invariant($"{value:0.##}"),
        _ => Invariant($"{value:0.###}"),
    };

    // The smallest 1, 2 or 5 times a power of ten at or above the value, so the y axis has round ticks.
    private static double NiceCeiling(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return RoundSteps.Select(m => m * power).First(v => v >= value);
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
