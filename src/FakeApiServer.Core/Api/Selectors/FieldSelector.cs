namespace FakeApiServer.Api.Selectors;

/// <summary>The operators a field selector term can use; upstream reports both "=" and "==" as Equals.</summary>
internal enum FieldSelectorOperator
{
    Equal,
    NotEqual,
}

/// <summary>One term of a field selector (upstream fields.Requirement); <see cref="Value"/> is unescaped.</summary>
internal sealed record FieldRequirement(string Field, FieldSelectorOperator Operator, string Value)
{
    /// <summary>Whether the field's value satisfies the term; a missing field reads as "", as fields.Set.Get does.</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        var actual = fieldValue(Field) ?? "";
        return Operator == FieldSelectorOperator.Equal
            ? string.Equals(actual, Value, StringComparison.Ordinal)
            : !string.Equals(actual, Value, StringComparison.Ordinal);
    }

    /// <summary>Upstream term String(): "field=value" or "field!=value", value as given (not re-escaped).</summary>
    public override string ToString() => Field + (Operator == FieldSelectorOperator.Equal ? "=" : "!=") + Value;
}

/// <summary>
/// A field selector with the syntax, escaping and error texts of k8s.io/apimachinery pkg/fields:
/// <c>f=v</c>, <c>f==v</c>, <c>f!=v</c>, comma = AND, and <c>\,</c> <c>\=</c> <c>\\</c> escapes in values.
/// Which fields a resource supports is the registry's concern, not the parser's.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly string[] TermOperators = ["!=", "==", "="];

    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements)
    {
        _requirements = requirements;
    }

    /// <summary>fields.Everything().</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>True when the selector does not restrict the selection (upstream Empty()).</summary>
    public bool IsEverything => _requirements.Length == 0;

    /// <summary>The terms, in upstream's order: sorted by their raw text.</summary>
    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    /// <summary>fields.ParseSelector: parses a fieldSelector query parameter. Null or empty selects everything.</summary>
    /// <exception cref="SelectorParseException">The selector is malformed; the message is upstream's.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var parts = SplitTerms(text);
        parts.Sort(StringComparer.Ordinal);
        var requirements = new List<FieldRequirement>();
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (!TrySplitTerm(part, out var lhs, out var op, out var rhs))
            {
                throw new SelectorParseException($"invalid selector: '{text}'; can't understand '{part}'");
            }

            var value = UnescapeValue(rhs);
            requirements.Add(new FieldRequirement(lhs, op == "!=" ? FieldSelectorOperator.NotEqual : FieldSelectorOperator.Equal, value));
        }

        return requirements.Count == 0 ? Everything : new FieldSelector([.. requirements]);
    }

    /// <summary>fields.EscapeValue: escapes '\', ',' and '=' so any literal can be used as a value.</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("=", "\\=", StringComparison.Ordinal);
    }

    /// <summary>fields.UnescapeValue: the literal value of an escaped selector value.</summary>
    /// <exception cref="SelectorParseException">An unknown escape or an unescaped ',' or '='.</exception>
    public static string UnescapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return value;
        }

        var sb = new System.Text.StringBuilder(value.Length);
        var inSlash = false;
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            if (inSlash)
            {
                if (c is '\\' or ',' or '=')
                {
                    sb.Append((char)c);
                }
                else
                {
                    throw new SelectorParseException("invalid field selector: invalid escape sequence: \\" + rune.ToString());
                }

                inSlash = false;
                continue;
            }

            switch (c)
            {
                case '\\':
                    inSlash = true;
                    break;
                case ',' or '=':
                    // Go prints the rune with %v, i.e. as its number: '=' is 61.
                    throw new SelectorParseException("invalid field selector: unescaped character in value: " + c.ToString(System.Globalization.CultureInfo.InvariantCulture));
                default:
                    sb.Append(rune.ToString());
                    break;
            }
        }

        if (inSlash)
        {
            throw new SelectorParseException("invalid field selector: invalid escape sequence: \\");
        }

        return sb.ToString();
    }

    /// <summary>Whether every term holds; <paramref name="fieldValue"/> returns a field's value, or null if absent.</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(fieldValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the selector pins <paramref name="field"/> to one value (upstream RequiresExactMatch).</summary>
    public bool RequiresExactMatch(string field, out string value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Operator == FieldSelectorOperator.Equal && requirement.Field == field)
            {
                value = requirement.Value;
                return true;
            }
        }

        value = "";
        return false;
    }

    /// <summary>Upstream String(): the terms joined by commas.</summary>
    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));

    // Splits on commas not preceded by a backslash escape; the escapes stay in the terms.
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inSlash)
            {
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c == ',')
            {
                terms.Add(text[start..i]);
                start = i + 1;
            }
        }

        terms.Add(text[start..]);
        return terms;
    }

    // The first operator occurrence splits the term: no escaping is supported in the field name.
    private static bool TrySplitTerm(string term, out string lhs, out string op, out string rhs)
    {
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var candidate in TermOperators)
            {
                if (term.AsSpan(i).StartsWith(candidate, StringComparison.Ordinal))
                {
                    lhs = term[..i];
                    op = candidate;
                    rhs = term[(i + candidate.Length)..];
                    return true;
                }
            }
        }

        lhs = op = rhs = "";
        return false;
    }
}
