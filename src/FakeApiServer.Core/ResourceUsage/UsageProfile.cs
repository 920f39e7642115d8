namespace FakeApiServer.ResourceUsage;

/// <summary>
/// The usage an annotation describes over a container's life: a constant ("250m") or a linear ramp from the pod's start
/// ("100m->900m/5m": 100m at start, 900m after five minutes and from then on).
/// </summary>
internal sealed record UsageProfile(UsageValue From, UsageValue To, TimeSpan Over)
{
    private const string RampArrow = "->";

    /// <summary>Reads an annotation value; null when it is malformed (the annotation is then ignored).</summary>
    public static UsageProfile? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var arrow = text.IndexOf(RampArrow, StringComparison.Ordinal);
        if (arrow < 0)
        {
            return UsageValue.Parse(text) is { } constant ? new UsageProfile(constant, constant, TimeSpan.Zero) : null;
        }

        var slash = text.LastIndexOf('/');
        if (slash < arrow
            || UsageValue.Parse(text[..arrow]) is not { } from
            || UsageValue.Parse(text[(arrow + RampArrow.Length)..slash]) is not { } to
            || !Schema.Cel.CelFunctions.TryParseDuration(text[(slash + 1)..].Trim(), out var over)
            || over < TimeSpan.Zero
            || from.Percent != to.Percent)
        {
            return null;
        }

        return new UsageProfile(from, to, over);
    }

    /// <summary>The usage <paramref name="elapsed"/> after the pod started, for a container whose request is <paramref name="reference"/>.</summary>
    public decimal At(TimeSpan elapsed, decimal? reference)
    {
        var from = From.Resolve(reference);
        var to = To.Resolve(reference);
        if (Over <= TimeSpan.Zero || elapsed >= Over)
        {
            return to;
        }

        var fraction = elapsed <= TimeSpan.Zero ? 0m : (decimal)(elapsed.Ticks / (double)Over.Ticks);
        return from + ((to - from) * fraction);
    }
}
