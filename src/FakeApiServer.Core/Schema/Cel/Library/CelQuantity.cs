using k8s.Models;

namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// Kubernetes' quantity library: <c>quantity(s)</c>, <c>isQuantity(s)</c> and on a quantity sign, isInteger,
/// asInteger, asApproximateFloat, add, sub, compareTo, isGreaterThan, isLessThan. Equal quantities compare equal
/// whatever their notation ("1" and "1000m").
/// </summary>
internal sealed record CelQuantity(decimal Value)
{
    public const string TypeName = "kubernetes.Quantity";

    private const string Pattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    public static bool TryParse(string text, out CelQuantity quantity)
    {
        quantity = new CelQuantity(0m);
        if (string.IsNullOrWhiteSpace(text) || !System.Text.RegularExpressions.Regex.IsMatch(text, Pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return false;
        }

        try
        {
            quantity = new CelQuantity(new ResourceQuantity(text).ToDecimal());
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        switch (function, target, args.Count)
        {
            case ("quantity", null, 1) when args[0] is string s:
                result = TryParse(s, out var parsed) ? parsed : throw new CelEvaluationException("quantities must match the regular expression '" + Pattern + "'");
                return true;
            case ("isQuantity", null, 1) when args[0] is string s:
                result = TryParse(s, out _);
                return true;
            case ("sign", CelQuantity q, 0):
                result = (long)Math.Sign(q.Value);
                return true;
            case ("isInteger", CelQuantity q, 0):
                result = decimal.IsInteger(q.Value) && q.Value >= long.MinValue && q.Value <= long.MaxValue;
                return true;
            case ("asInteger", CelQuantity q, 0):
                result = decimal.IsInteger(q.Value) && q.Value >= long.MinValue && q.Value <= long.MaxValue
                    ? (long)q.Value : throw new CelEvaluationException("cannot convert value to integer");
                return true;
            case ("asApproximateFloat", CelQuantity q, 0):
                result = (double)q.Value;
                return true;
            case ("add", CelQuantity q, 1):
                result = new CelQuantity(q.Value + Operand(args[0], function));
                return true;
            case ("sub", CelQuantity q, 1):
                result = new CelQuantity(q.Value - Operand(args[0], function));
                return true;
            case ("compareTo", CelQuantity q, 1) when args[0] is CelQuantity other:
                result = (long)q.Value.CompareTo(other.Value);
                return true;
            case ("isGreaterThan", CelQuantity q, 1) when args[0] is CelQuantity other:
                result = q.Value > other.Value;
                return true;
            case ("isLessThan", CelQuantity q, 1) when args[0] is CelQuantity other:
                result = q.Value < other.Value;
                return true;
            default:
                return false;
        }
    }

    private static decimal Operand(object value, string function) => value switch
    {
        CelQuantity q => q.Value,
        long l => l,
        _ => throw new CelEvaluationException("no such overload: " + TypeName + "." + function + "(" + CelValues.TypeName(value) + ")"),
    };
}
