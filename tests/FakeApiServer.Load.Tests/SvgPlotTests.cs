using System.Globalization;
using System.Xml.Linq;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Tests;

/// <summary>The SVG plots of the curves: well-formed, one line per series, x growing left to right on a log axis.</summary>
public sealed class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void A_curve_becomes_one_polyline_per_series_with_x_on_a_log_axis_and_y_from_zero()
    {
        var curve = new Curve("GET rate & more", "stored objects", "requests/s",
        [
            new CurveSeries("server", [new CurvePoint(10_000, 4_000), new CurvePoint(100_000, 3_000), new CurvePoint(1_000_000, 2_000)]),
            new CurveSeries("ceiling <bare>", [new CurvePoint(10_000, 8_000), new CurvePoint(100_000, 8_000), new CurvePoint(1_000_000, 8_000)]),
        ]);

        var svg = XDocument.Parse(SvgPlot.Render(curve));

        var lines = svg.Descendants(Svg + "polyline").Select(Points).ToList();
        Assert.Equal(2, lines.Count);
        var server = lines[0];
        Assert.Equal(3, server.Count);
        // Tenfold steps are equal steps on a log axis.
        Assert.Equal(server[1].X - server[0].X, server[2].X - server[1].X, 0.2);
        // SVG y grows downwards: the falling rate climbs on the page, the flat ceiling stays level and above it.
        Assert.True(server[0].Y < server[1].Y && server[1].Y < server[2].Y);
        Assert.All(lines[1], p => Assert.Equal(lines[1][0].Y, p.Y, 0.1));
        Assert.True(lines[1][0].Y < server[0].Y);
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("GET rate & more", texts);
        Assert.Contains("ceiling <bare>", texts);
        Assert.Contains("1M", texts);
        Assert.Equal("scale-get-rate---more.svg", curve.FileName("scale"));
    }

    [Theory]
    [InlineData(1_000_000, "1M")]
    [InlineData(10_000, "10k")]
    [InlineData(1_500, "1500")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.125, "0.125")]
    public void Axis_numbers_read_as_a_person_writes_them(double value, string text) => Assert.Equal(text, SvgPlot.Number(value));

    private static List<(double X, double Y)> Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
}
