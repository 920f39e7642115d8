using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// JSON values seen as the Go validators see decoded JSON: integers (int64) apart from other numbers (float64),
/// and the Go spellings that upstream messages use (%v of a float64, %q of a string).
/// </summary>
internal static class JsonKinds
{
    public const string Null = "null";
    public const string String = "string";
    public const string Integer = "integer";
    public const string Number = "number";
    public const string Boolean = "boolean";
    public const string Object = "object";
    public const string Array = "array";

    /// <summary>The OpenAPI type name of a value: an integral JSON number without fraction or exponent is an integer.</summary>
    public static string Kind(JsonNode? node) => node switch
    {
        null => Null,
        JsonObject => Object,
        JsonArray => Array,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => String,
            JsonValueKind.True or JsonValueKind.False => Boolean,
            JsonValueKind.Number => TryGetLong(v, out _) ? Integer : Number,
            _ => Null,
        },
        _ => Null,
    };

    /// <summary>The value as int64, when it is an integer as Go's json.Number.Int64 would read it.</summary>
    public static bool TryGetLong(JsonValue value, out long result)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            result = 0;
            return false;
        }

        return long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>The value of a JSON number as double.</summary>
    public static double GetDouble(JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Go's %v of a float64: shortest round-trip digits, exponent form from 1e21 and below 1e-4.</summary>
    public static string GoFloat(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        var abs = Math.Abs(value);
        if (value == 0 || (abs >= 1e-4 && abs < 1e21))
        {
            var r = value.ToString("R", CultureInfo.InvariantCulture);
            if (!r.Contains('E', StringComparison.Ordinal))
            {
                return r;
            }

            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        var e = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        var at = e.IndexOf('e', StringComparison.Ordinal);
        if (at < 0)
        {
            return e;
        }

        var mantissa = e[..at];
        var exp = int.Parse(e[(at + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Go's %q of a string (strconv.Quote).</summary>
    public static string GoQuote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        sb.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A canonical JSON text (object keys sorted, as Go's encoding/json writes maps) for set semantics.</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonValue.Create(p.Key).ToJsonString() + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        _ => node.ToJsonString(),
    };

    /// <summary>Whether two values are equal as decoded JSON (numbers by value, objects regardless of key order).</summary>
    public static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue x && b is JsonValue y && x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number)
        {
            return GetDouble(x) == GetDouble(y);
        }

        return Canonical(a) == Canonical(b);
    }
}
