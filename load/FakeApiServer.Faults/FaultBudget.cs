using System.Globalization;

namespace FakeApiServer.Faults;

/// <summary>
/// How long a scenario may run and how many units of work it does (crashes, inputs, increments), whichever
/// ends first. The command line takes <c>--budget 90s|10m|200000|200k</c>: a duration or a count.
/// </summary>
internal sealed record FaultBudget(TimeSpan Time, long Count)
{
    /// <summary>Parses <c>30s</c>, <c>5m</c>, <c>1h</c> (time; the count is then unbounded) or <c>5000</c>, <c>200k</c> (count; at most an hour).</summary>
    public static FaultBudget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var unit = text[^1];
        if (char.IsDigit(unit))
        {
            return new FaultBudget(TimeSpan.FromHours(1), long.Parse(text, CultureInfo.InvariantCulture));
        }

        var number = double.Parse(text[..^1], CultureInfo.InvariantCulture);
        return unit switch
        {
            'k' => new FaultBudget(TimeSpan.FromHours(1), (long)(number * 1000)),
            's' => new FaultBudget(TimeSpan.FromSeconds(number), long.MaxValue),
            'm' => new FaultBudget(TimeSpan.FromMinutes(number), long.MaxValue),
            'h' => new FaultBudget(TimeSpan.FromHours(number), long.MaxValue),
            _ => throw new FormatException($"budget '{text}' is neither a duration (90s, 10m) nor a count (5000, 200k)"),
        };
    }
}
