using System.Globalization;
using System.Text;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>
/// An Indexed Job's status.completedIndexes: the succeeded indexes as a sorted list of intervals, "1,3-5,7", as the job
/// controller writes it (consecutive indexes merged into a range).
/// </summary>
internal static class CompletedIndexes
{
    /// <summary>The indexes in the text below <paramref name="completions"/>; a malformed part is skipped.</summary>
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var set = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                continue;
            }

            var last = first;
            if (bounds.Length == 2 && !int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out last))
            {
                continue;
            }

            for (var i = first; i <= last && i < completions; i++)
            {
                set.Add(i);
            }
        }

        return set;
    }

    /// <summary>The interval text of <paramref name="indexes"/> ("" when empty).</summary>
    public static string Format(IEnumerable<int> indexes)
    {
        var text = new StringBuilder();
        int? start = null, previous = null;
        foreach (var i in indexes.Order())
        {
            if (previous is { } p && i == p + 1)
            {
                previous = i;
                continue;
            }

            Append(text, start, previous);
            start = previous = i;
        }

        Append(text, start, previous);
        return text.ToString();
    }

    private static void Append(StringBuilder text, int? start, int? end)
    {
        if (start is not { } s || end is not { } e)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(s.ToString(CultureInfo.InvariantCulture));
        if (e > s)
        {
            text.Append('-').Append(e.ToString(CultureInfo.InvariantCulture));
        }
    }
}
