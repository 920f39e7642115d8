using System.Globalization;
using k8s.Models;

namespace FakeApiServer.ResourceUsage;

/// <summary>
/// One end of a usage annotation: an absolute quantity ("250m", "64Mi") or a percentage of the container's request
/// (of its limit when it has no request), e.g. "40%".
/// </summary>
internal readonly record struct UsageValue(decimal Amount, bool Percent)
{
    /// <summary>Reads "250m", "64Mi" or "40%"; null when it is neither.</summary>
    public static UsageValue? Parse(string text)
    {
        text = text.Trim();
        if (text.EndsWith('%'))
        {
            return decimal.TryParse(text[..^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) && percent >= 0
                ? new UsageValue(percent, Percent: true)
                : null;
        }

        try
        {
            var amount = new ResourceQuantity(text).ToDecimal();
            return amount >= 0 ? new UsageValue(amount, Percent: false) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The amount for a container whose request (or limit) is <paramref name="reference"/>; a percentage of nothing is 0.</summary>
    public decimal Resolve(decimal? reference) => Percent ? (reference ?? 0m) * Amount / 100m : Amount;
}
