using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// One target: the measured figure, what it is compared with (a ceiling measured in the same run, or a fixed bound),
/// the ratio and the bound the ratio must respect.
/// </summary>
internal sealed record TargetVerdict
{
    /// <summary>The target as issue 9 states it.</summary>
    public required string Target { get; init; }

    /// <summary>The measured figure.</summary>
    public required double Actual { get; init; }

    /// <summary>The reference (ceiling figure or fixed limit).</summary>
    public required double Reference { get; init; }

    /// <summary>The unit of both figures.</summary>
    public required string Unit { get; init; }

    /// <summary>Actual / reference.</summary>
    public double Ratio => Reference == 0 ? double.NaN : Actual / Reference;

    /// <summary>The bound on <see cref="Ratio"/>.</summary>
    public required double Bound { get; init; }

    /// <summary>True when the ratio must be at least the bound, false when at most.</summary>
    public required bool AtLeast { get; init; }

    /// <summary>Whether the target is met.</summary>
    public bool Pass => !double.IsNaN(Ratio) && (AtLeast ? Ratio >= Bound : Ratio <= Bound);

    /// <summary>The requirement as text, e.g. "ratio >= 0.50".</summary>
    public string Requirement => string.Create(CultureInfo.InvariantCulture, $"{(AtLeast ? ">=" : "<=")} {Bound:0.##}");

    /// <summary>actual must be at least <paramref name="fraction"/> of reference.</summary>
    public static TargetVerdict Min(string target, double actual, double reference, double fraction, string unit) =>
        new() { Target = target, Actual = actual, Reference = reference, Unit = unit, Bound = fraction, AtLeast = true };

    /// <summary>actual must be at most <paramref name="factor"/> times reference (a fixed limit: factor 1).</summary>
    public static TargetVerdict Max(string target, double actual, double reference, double factor, string unit) =>
        new() { Target = target, Actual = actual, Reference = reference, Unit = unit, Bound = factor, AtLeast = false };
}
