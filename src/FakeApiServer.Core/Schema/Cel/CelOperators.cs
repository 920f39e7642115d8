using System.Globalization;

namespace FakeApiServer.Schema.Cel;

/// <summary>CEL's operators on runtime values: heterogeneous numeric equality and ordering, checked int arithmetic.</summary>
internal static class CelOperators
{
    public static bool ValueEquals(object a, object b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }

        return (a, b) switch
        {
            (CelNull, CelNull) => true,
            (bool x, bool y) => x == y,
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (TimeSpan x, TimeSpan y) => x == y,
            (DateTimeOffset x, DateTimeOffset y) => x == y,
            (IReadOnlyList<object> x, IReadOnlyList<object> y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
            (CelMap x, CelMap y) => x.Count == y.Count && x.Entries.All(e => y.TryGet(e.Key, out var v) && ValueEquals(e.Value, v)),
            (CelType x, CelType y) => x.Name == y.Name,
            (Library.CelIp or Library.CelCidr or Library.CelUrl or Library.CelQuantity, _) => a.Equals(b),
            (CelOptional x, CelOptional y) => (x.Value, y.Value) switch
            {
                (null, null) => true,
                ({ } xv, { } yv) => ValueEquals(xv, yv),
                _ => false,
            },
            _ => false,
        };
    }

    public static int Compare(object a, object b, string op)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            var c = CompareNumbers(a, b);
            return c == int.MinValue ? throw new CelEvaluationException("no such overload: NaN comparison") : c;
        }

        return (a, b) switch
        {
            (string x, string y) => Math.Sign(string.CompareOrdinal(x, y)),
            (bool x, bool y) => x.CompareTo(y),
            (TimeSpan x, TimeSpan y) => x.CompareTo(y),
            (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
            (byte[] x, byte[] y) => Math.Sign(x.AsSpan().SequenceCompareTo(y)),
            _ => throw NoOverload(op, a, b),
        };
    }

    public static object Add(object a, object b) => (a, b) switch
    {
        (long x, long y) => Checked(() => checked(x + y)),
        (ulong x, ulong y) => Checked(() => checked(x + y)),
        (double x, double y) => x + y,
        (string x, string y) => x + y,
        (byte[] x, byte[] y) => (byte[])[.. x, .. y],
        (IReadOnlyList<object> x, IReadOnlyList<object> y) => (List<object>)[.. x, .. y],
        (DateTimeOffset x, TimeSpan y) => x + y,
        (TimeSpan x, DateTimeOffset y) => y + x,
        (TimeSpan x, TimeSpan y) => x + y,
        _ => throw NoOverload("_+_", a, b),
    };

    public static object Subtract(object a, object b) => (a, b) switch
    {
        (long x, long y) => Checked(() => checked(x - y)),
        (ulong x, ulong y) => Checked(() => checked(x - y)),
        (double x, double y) => x - y,
        (DateTimeOffset x, TimeSpan y) => x - y,
        (DateTimeOffset x, DateTimeOffset y) => x - y,
        (TimeSpan x, TimeSpan y) => x - y,
        _ => throw NoOverload("_-_", a, b),
    };

    public static object Multiply(object a, object b) => (a, b) switch
    {
        (long x, long y) => Checked(() => checked(x * y)),
        (ulong x, ulong y) => Checked(() => checked(x * y)),
        (double x, double y) => x * y,
        _ => throw NoOverload("_*_", a, b),
    };

    public static object Divide(object a, object b) => (a, b) switch
    {
        (long, 0L) or (ulong, 0UL) => throw new CelEvaluationException("division by zero"),
        // Boxed per arm: without the casts the switch's natural type would be double, and int / int a double.
        (long x, long y) => x == long.MinValue && y == -1 ? throw new CelEvaluationException("integer overflow") : (object)(x / y),
        (ulong x, ulong y) => (object)(x / y),
        (double x, double y) => x / y,
        _ => throw NoOverload("_/_", a, b),
    };

    public static object Modulo(object a, object b) => (a, b) switch
    {
        (long, 0L) or (ulong, 0UL) => throw new CelEvaluationException("modulus by zero"),
        (long x, long y) => x == long.MinValue && y == -1 ? throw new CelEvaluationException("integer overflow") : x % y,
        (ulong x, ulong y) => x % y,
        _ => throw NoOverload("_%_", a, b),
    };

    public static object Negate(object a) => a switch
    {
        long x => x == long.MinValue ? throw new CelEvaluationException("integer overflow") : -x,
        double x => -x,
        TimeSpan x => -x,
        _ => throw new CelEvaluationException("no such overload: -" + CelValues.TypeName(a)),
    };

    public static CelEvaluationException NoOverload(string op, object a, object b) =>
        new("no such overload: " + CelValues.TypeName(a) + " " + op.Trim('_') + " " + CelValues.TypeName(b));

    /// <summary>A value as CEL's string() would print it, for messages.</summary>
    public static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        double d => FakeApiServer.Schema.Validation.JsonKinds.GoFloat(d),
        CelNull => "null",
        TimeSpan t => CelFunctions.FormatDuration(t),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        IReadOnlyList<object> l => "[" + string.Join(", ", l.Select(Format)) + "]",
        CelMap m => "{" + string.Join(", ", m.Entries.Select(e => Format(e.Key) + ": " + Format(e.Value))) + "}",
        _ => value.ToString() ?? "",
    };

    private static bool IsNumber(object v) => v is long or ulong or double;

    private static int CompareNumbers(object a, object b)
    {
        if (a is long x && b is long y)
        {
            return x.CompareTo(y);
        }

        if (a is ulong ux && b is ulong uy)
        {
            return ux.CompareTo(uy);
        }

        if ((a is double da && double.IsNaN(da)) || (b is double db && double.IsNaN(db)))
        {
            return int.MinValue;
        }

        if (a is double || b is double)
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }

        // int vs uint
        return (a, b) switch
        {
            (long l, ulong u) => l < 0 ? -1 : ((ulong)l).CompareTo(u),
            (ulong u, long l) => l < 0 ? 1 : u.CompareTo((ulong)l),
            _ => 0,
        };
    }

    private static double ToDouble(object v) => v switch
    {
        long l => l,
        ulong u => u,
        double d => d,
        _ => double.NaN,
    };

    private static object Checked(Func<object> f)
    {
        try
        {
            return f();
        }
        catch (OverflowException)
        {
            throw new CelEvaluationException("integer overflow");
        }
    }
}
