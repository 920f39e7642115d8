using System.Globalization;
using System.Text;

namespace FakeApiServer.Api.Protobuf;

/// <summary>Go's time.Duration text form ("1m30s", "1.5ms", "0s"), the JSON of meta.v1 Duration, both ways.</summary>
internal static class GoDuration
{
    private const long Microsecond = 1_000;
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000_000_000;

    /// <summary>Formats nanoseconds as Go's Duration.String does.</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var text = new StringBuilder();
        if (u < Second)
        {
            // Under a second: the largest unit below a second, with a fraction.
            var (precision, unit) = u < Microsecond ? (0, "ns") : u < Millisecond ? (3, "µs") : (6, "ms");
            text.Append(Integer(u, precision)).Append(Fraction(u, precision)).Append(unit);
        }
        else
        {
            var seconds = u / Second;
            var fraction = Fraction(u, 9);
            var hours = seconds / 3600;
            var minutes = seconds / 60 % 60;
            if (hours > 0)
            {
                text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            }

            if (hours > 0 || minutes > 0)
            {
                text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            }

            text.Append((seconds % 60).ToString(CultureInfo.InvariantCulture)).Append(fraction).Append('s');
        }

        return negative ? "-" + text : text.ToString();
    }

    /// <summary>Parses a Go duration string ("300ms", "-1.5h", "2h45m"); false when it is not one.</summary>
    public static bool TryParse(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !decimal.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[digits..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? scale = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => 60m * Second,
                "h" => 3600m * Second,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }

            total += decimal.Truncate(number * scale.Value);
            s = s[unitLength..];
        }

        if (total > long.MaxValue)
        {
            return false;
        }

        nanoseconds = negative ? -(long)total : (long)total;
        return true;
    }

    private static string Integer(ulong value, int precision)
    {
        for (var i = 0; i < precision; i++)
        {
            value /= 10;
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The fraction of value / 10^precision without trailing zeros (".5"), or "" when it is whole.</summary>
    private static string Fraction(ulong value, int precision)
    {
        var digits = new char[precision];
        var printed = false;
        var end = precision;
        for (var i = precision - 1; i >= 0; i--)
        {
            var digit = (int)(value % 10);
            value /= 10;
            printed |= digit != 0;
            if (!printed)
            {
                end = i;
            }

            digits[i] = (char)('0' + digit);
        }

        return end == 0 ? "" : "." + new string(digits, 0, end);
    }
}
