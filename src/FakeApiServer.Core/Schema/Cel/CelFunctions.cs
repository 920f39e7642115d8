using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FakeApiServer.Schema.Cel;

/// <summary>
/// The CEL functions this server evaluates: the standard library (size, contains, startsWith, endsWith, matches,
/// conversions int/uint/double/string/bool/bytes/dyn/type, duration, timestamp), the strings extension
/// (lowerAscii, upperAscii, trim, replace, split, join, indexOf, lastIndexOf, substring, charAt), the Kubernetes list
/// library's sum/min/max/isSorted, and optional's hasValue/value/orValue. Anything else is unsupported.
/// </summary>
internal static class CelFunctions
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public static object Call(string function, object? target, IReadOnlyList<object> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return (function, target, args.Count) switch
        {
            ("size", null, 1) => Size(args[0]),
            ("size", { } t, 0) => Size(t),
            ("contains", string s, 1) => s.Contains(Str(args[0], function), StringComparison.Ordinal),
            ("startsWith", string s, 1) => s.StartsWith(Str(args[0], function), StringComparison.Ordinal),
            ("endsWith", string s, 1) => s.EndsWith(Str(args[0], function), StringComparison.Ordinal),
            ("matches", string s, 1) => Matches(s, Str(args[0], function)),
            ("matches", null, 2) => Matches(Str(args[0], function), Str(args[1], function)),
            ("lowerAscii", string s, 0) => string.Concat(s.Select(c => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c)),
            ("upperAscii", string s, 0) => string.Concat(s.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 32) : c)),
            ("trim", string s, 0) => s.Trim(),
            ("replace", string s, 2) => s.Replace(Str(args[0], function), Str(args[1], function), StringComparison.Ordinal),
            ("split", string s, 1) => s.Split(Str(args[0], function)).Cast<object>().ToList(),
            ("join", IReadOnlyList<object> l, 0) => string.Concat(l.Select(x => Str(x, function))),
            ("join", IReadOnlyList<object> l, 1) => string.Join(Str(args[0], function), l.Select(x => Str(x, function))),
            ("indexOf", string s, 1) => (long)Runes(s).IndexOfRunes(Runes(Str(args[0], function))),
            ("lastIndexOf", string s, 1) => (long)Runes(s).LastIndexOfRunes(Runes(Str(args[0], function))),
            ("indexOf", IReadOnlyList<object> l, 1) => (long)IndexOf(l, args[0]),
            ("substring", string s, 1) => Substring(s, Int(args[0], function), null),
            ("substring", string s, 2) => Substring(s, Int(args[0], function), Int(args[1], function)),
            ("charAt", string s, 1) => Substring(s, Int(args[0], function), Int(args[0], function) + (Int(args[0], function) == Runes(s).Length ? 0 : 1)),
            ("sum", IReadOnlyList<object> l, 0) => l.Count == 0 ? 0L : l.Aggregate(CelOperators.Add),
            ("min", IReadOnlyList<object> l, 0) => l.Count == 0 ? throw new CelEvaluationException("min called on empty list") : l.Aggregate((a, b) => CelOperators.Compare(b, a, "min") < 0 ? b : a),
            ("max", IReadOnlyList<object> l, 0) => l.Count == 0 ? throw new CelEvaluationException("max called on empty list") : l.Aggregate((a, b) => CelOperators.Compare(b, a, "max") > 0 ? b : a),
            ("isSorted", IReadOnlyList<object> l, 0) => l.Zip(l.Skip(1)).All(p => CelOperators.Compare(p.First, p.Second, "isSorted") <= 0),
            ("hasValue", CelOptional o, 0) => o.HasValue,
            ("value", CelOptional o, 0) => o.Value ?? throw new CelEvaluationException("optional.none() dereference"),
            ("orValue", CelOptional o, 1) => o.Value ?? args[0],
            ("int", null, 1) => (object)ToInt(args[0]),
            ("uint", null, 1) => ToUint(args[0]),
            ("double", null, 1) => ToDouble(args[0]),
            ("string", null, 1) => ToStringValue(args[0]),
            ("bool", null, 1) => args[0] switch
            {
                bool b => b,
                "true" or "True" or "TRUE" or "t" or "1" => true,
                "false" or "False" or "FALSE" or "f" or "0" => false,
                _ => throw new CelEvaluationException("type conversion error from '" + CelValues.TypeName(args[0]) + "' to 'bool'"),
            },
            ("bytes", null, 1) => args[0] is string bs ? Encoding.UTF8.GetBytes(bs) : args[0] is byte[] ? args[0] : throw NoOverload(function, args[0]),
            ("dyn", null, 1) => args[0],
            ("type", null, 1) => new CelType(CelValues.TypeName(args[0])),
            ("duration", null, 1) => args[0] switch
            {
                TimeSpan t => t,
                string ds when TryParseDuration(ds, out var d) => d,
                _ => throw new CelEvaluationException("type conversion error from 'string' to 'google.protobuf.Duration'"),
            },
            ("timestamp", null, 1) => args[0] switch
            {
                DateTimeOffset t => t,
                string ts when TryParseTimestamp(ts, out var t) => t,
                long seconds => DateTimeOffset.FromUnixTimeSeconds(seconds),
                _ => throw new CelEvaluationException("type conversion error from 'string' to 'google.protobuf.Timestamp'"),
            },
            ("getSeconds", TimeSpan t, 0) => (long)t.TotalSeconds,
            ("getMinutes", TimeSpan t, 0) => (long)t.TotalMinutes,
            ("getHours", TimeSpan t, 0) => (long)t.TotalHours,
            ("getMilliseconds", TimeSpan t, 0) => (long)t.TotalMilliseconds,
            _ => Library.CelKubernetesLibrary.TryCall(function, target, args, out var result) ? result : throw Unknown(function, target, args),
        };
    }

    public static bool TryParseTimestamp(string value, out DateTimeOffset result) =>
        DateTimeOffset.TryParseExact(
            value,
            ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out result);

    /// <summary>A Go duration string: a sign, then decimal numbers with units h, m, s, ms, us (µs), ns.</summary>
    public static bool TryParseDuration(string value, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        var m = Regex.Match(value, @"^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.None, RegexTimeout);
        if (!m.Success)
        {
            return value == "0";
        }

        var ticks = 0.0;
        foreach (Capture part in m.Groups[2].Captures)
        {
            var unitAt = part.Value.IndexOfAny(['n', 'u', 'µ', 'μ', 'm', 's', 'h']);
            var number = double.Parse(part.Value[..unitAt], NumberStyles.Float, CultureInfo.InvariantCulture);
            ticks += part.Value[unitAt..] switch
            {
                "ns" => number / 100,
                "us" or "µs" or "μs" => number * 10,
                "ms" => number * TimeSpan.TicksPerMillisecond,
                "s" => number * TimeSpan.TicksPerSecond,
                "m" => number * TimeSpan.TicksPerMinute,
                _ => number * TimeSpan.TicksPerHour,
            };
        }

        result = TimeSpan.FromTicks((long)(m.Groups[1].Value == "-" ? -ticks : ticks));
        return true;
    }

    /// <summary>A duration as CEL's string() prints it: seconds with a fraction when needed ("90s", "1.5s").</summary>
    public static string FormatDuration(TimeSpan t) =>
        (t.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture) + "s";

    private static long Size(object value) => value switch
    {
        string s => s.EnumerateRunes().Count(),
        byte[] b => b.Length,
        IReadOnlyList<object> l => l.Count,
        CelMap m => m.Count,
        _ => throw NoOverload("size", value),
    };

    private static bool Matches(string s, string pattern)
    {
        try
        {
            return Regex.IsMatch(s, pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new CelEvaluationException("invalid regular expression: " + e.Message);
        }
    }

    private static string Substring(string s, long start, long? end)
    {
        var runes = Runes(s);
        var stop = end ?? runes.Length;
        if (start < 0 || start > runes.Length)
        {
            throw new CelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"index out of range: {start}"));
        }

        if (stop < start || stop > runes.Length)
        {
            throw new CelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"index out of range: {stop}"));
        }

        return string.Concat(runes[(int)start..(int)stop].Select(r => r.ToString()));
    }

    private static Rune[] Runes(string s) => [.. s.EnumerateRunes()];

    private static int IndexOfRunes(this Rune[] haystack, Rune[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }

    private static int LastIndexOfRunes(this Rune[] haystack, Rune[] needle)
    {
        for (var i = haystack.Length - needle.Length; i >= 0; i--)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<object> list, object value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (CelOperators.ValueEquals(list[i], value))
            {
                return i;
            }
        }

        return -1;
    }

    private static long ToInt(object value) => value switch
    {
        long l => l,
        ulong u => u > long.MaxValue ? throw new CelEvaluationException("integer overflow") : (long)u,
        double d => double.IsNaN(d) || d >= 9.2233720368547758E18 || d < -9.2233720368547758E18 ? throw new CelEvaluationException("integer overflow") : (long)Math.Truncate(d),
        string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : throw new CelEvaluationException("type conversion error from 'string' to 'int'"),
        bool b => b ? 1L : 0L,
        TimeSpan t => t.Ticks / TimeSpan.TicksPerSecond,
        DateTimeOffset t => t.ToUnixTimeSeconds(),
        _ => throw NoOverload("int", value),
    };

    private static ulong ToUint(object value) => value switch
    {
        ulong u => u,
        long l => l < 0 ? throw new CelEvaluationException("unsigned integer overflow") : (ulong)l,
        double d => d < 0 || d >= 1.8446744073709552E19 || double.IsNaN(d) ? throw new CelEvaluationException("unsigned integer overflow") : (ulong)Math.Truncate(d),
        string s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : throw new CelEvaluationException("type conversion error from 'string' to 'uint'"),
        _ => throw NoOverload("uint", value),
    };

    private static double ToDouble(object value) => value switch
    {
        double d => d,
        long l => l,
        ulong u => u,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new CelEvaluationException("type conversion error from 'string' to 'double'"),
        _ => throw NoOverload("double", value),
    };

    private static string ToStringValue(object value) => value switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        long or ulong or double or bool or TimeSpan or DateTimeOffset or Library.CelIp or Library.CelCidr => CelOperators.Format(value),
        _ => throw NoOverload("string", value),
    };

    private static string Str(object value, string function) =>
        value as string ?? throw NoOverload(function, value);

    private static long Int(object value, string function) =>
        value is long l ? l : throw NoOverload(function, value);

    private static CelEvaluationException NoOverload(string function, object value) =>
        new("no such overload: " + function + "(" + CelValues.TypeName(value) + ")");

    private static Exception Unknown(string function, object? target, IReadOnlyList<object> args)
    {
        var signature = (target is null ? "" : CelValues.TypeName(target) + ".") + function + "(" + string.Join(", ", args.Select(CelValues.TypeName)) + ")";
        return Known(function)
            ? new CelEvaluationException("no such overload: " + signature)
            : new CelUnsupportedException("function " + signature + " is not supported");
    }

    private static bool Known(string function) => Library.CelKubernetesLibrary.Knows(function) || function is "size" or "contains" or "startsWith" or "endsWith" or "matches"
        or "lowerAscii" or "upperAscii" or "trim" or "replace" or "split" or "join" or "indexOf" or "lastIndexOf"
        or "substring" or "charAt" or "sum" or "min" or "max" or "isSorted" or "hasValue" or "value" or "orValue"
        or "int" or "uint" or "double" or "string" or "bool" or "bytes" or "dyn" or "type" or "duration" or "timestamp";
}
