using System.Globalization;

namespace FakeApiServer.Controllers.CronJobs;

/// <summary>
/// A CronJob's schedule as robfig/cron's standard parser reads it (what the cronjob controller uses): five fields
/// (minute, hour, day of month, month, day of week) of numbers, names (JAN-DEC, SUN-SAT), "*" or "?", ranges "a-b",
/// steps "/n" and lists "a,b"; or a macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly). As in
/// cron, when both day fields are restricted a day matching either runs. Times are wall-clock times in a time zone.
/// </summary>
internal sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.Ordinal)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _anyDayOfMonth;
    private readonly bool _anyDayOfWeek;

    private CronSchedule(ulong minutes, ulong hours, (ulong Bits, bool Any) dom, ulong months, (ulong Bits, bool Any) dow)
    {
        _minutes = minutes;
        _hours = hours;
        (_daysOfMonth, _anyDayOfMonth) = dom;
        _months = months;
        (_daysOfWeek, _anyDayOfWeek) = dow;
    }

    /// <summary>Parses a schedule; a bad one is a <see cref="FormatException"/> with robfig/cron's message.</summary>
    public static CronSchedule Parse(string text)
    {
        var spec = text.Trim();
        if (spec.Length == 0)
        {
            throw new FormatException("empty spec string");
        }

        if (spec.StartsWith('@'))
        {
            spec = Macros.TryGetValue(spec, out var expanded) ? expanded : throw new FormatException("unrecognized descriptor: " + spec);
        }

        var fields = spec.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: [{string.Join(' ', fields)}]");
        }

        return new CronSchedule(
            Field(fields[0], 0, 59, null).Bits,
            Field(fields[1], 0, 23, null).Bits,
            Field(fields[2], 1, 31, null),
            Field(fields[3], 1, 12, MonthNames).Bits,
            Field(fields[4], 0, 6, DayNames));
    }

    /// <summary>Whether <paramref name="text"/> parses.</summary>
    public static bool TryParse(string text, out CronSchedule? schedule, out string error)
    {
        try
        {
            schedule = Parse(text);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            schedule = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/> in <paramref name="zone"/>, or null within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        // Wall-clock minutes in the zone, from the minute after.
        var local = TimeZoneInfo.ConvertTime(after, zone);
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }

            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if (!Has(_minutes, t.Minute))
            {
                t = t.AddMinutes(1);
                continue;
            }

            if (zone.IsInvalidTime(t))
            {
                // Skipped by a daylight-saving jump: that wall time never happens.
                t = t.AddMinutes(1);
                continue;
            }

            var offset = zone.IsAmbiguousTime(t) ? zone.GetAmbiguousTimeOffsets(t).Max() : zone.GetUtcOffset(t);
            var at = new DateTimeOffset(t, offset);
            if (at > after)
            {
                return at;
            }

            t = t.AddMinutes(1);
        }

        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var dom = Has(_daysOfMonth, t.Day);
        var dow = Has(_daysOfWeek, (int)t.DayOfWeek);
        return _anyDayOfMonth || _anyDayOfWeek ? dom && dow : dom || dow;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static (ulong Bits, bool Any) Field(string field, int min, int max, string[]? names)
    {
        ulong bits = 0;
        var any = false;
        foreach (var part in field.Split(','))
        {
            var (partBits, star) = Range(part, min, max, names);
            bits |= partBits;
            any |= star;
        }

        return (bits, any);
    }

    private static (ulong Bits, bool Star) Range(string expr, int min, int max, string[]? names)
    {
        var slash = expr.Split('/');
        if (slash.Length > 2)
        {
            throw new FormatException("too many slashes: " + expr);
        }

        var bounds = slash[0].Split('-');
        int start, end;
        var star = false;
        if (bounds[0] is "*" or "?")
        {
            if (bounds.Length > 1)
            {
                throw new FormatException("too many hyphens: " + expr);
            }

            (start, end, star) = (min, max, true);
        }
        else
        {
            start = Value(bounds[0], names, min);
            end = bounds.Length switch
            {
                1 => start,
                2 => Value(bounds[1], names, min),
                _ => throw new FormatException("too many hyphens: " + expr),
            };
        }

        var step = 1;
        if (slash.Length == 2)
        {
            step = int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
                : throw new FormatException($"failed to parse int from {slash[1]}: strconv.Atoi: parsing \"{slash[1]}\": invalid syntax");
            if (bounds.Length == 1 && !star)
            {
                // "N/step" means N to the end.
                end = max;
            }

            star &= step == 1;
        }

        if (start < min)
        {
            throw new FormatException($"beginning of range ({start}) below minimum ({min}): {expr}");
        }

        if (end > max)
        {
            throw new FormatException($"end of range ({end}) above maximum ({max}): {expr}");
        }

        if (start > end)
        {
            throw new FormatException($"beginning of range ({start}) beyond end of range ({end}): {expr}");
        }

        if (step == 0)
        {
            throw new FormatException($"step of range should be a positive number: {expr}");
        }

        ulong bits = 0;
        for (var v = start; v <= end; v += step)
        {
            bits |= 1UL << v;
        }

        return (bits, star);
    }

    private static int Value(string text, string[]? names, int min)
    {
        if (names is not null && Array.IndexOf(names, text.ToLowerInvariant()) is var i and >= 0)
        {
            return i + (min == 1 ? 1 : 0);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"failed to parse int from {text}: strconv.Atoi: parsing \"{text}\": invalid syntax");
    }
}
