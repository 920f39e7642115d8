using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Api.Selectors;

/// <summary>The operators of k8s.io/apimachinery pkg/selection as label selectors use them.</summary>
internal enum LabelSelectorOperator
{
    In,
    NotIn,
    Equal,
    DoubleEqual,
    NotEqual,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>One term of a label selector (upstream labels.Requirement). Values are sorted and unique when parsed.</summary>
internal sealed record LabelRequirement(string Key, LabelSelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Requirement.Matches: whether <paramref name="labels"/> satisfy this term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelSelectorOperator.In or LabelSelectorOperator.Equal or LabelSelectorOperator.DoubleEqual:
                return has && Values.Contains(value!);
            case LabelSelectorOperator.NotIn or LabelSelectorOperator.NotEqual:
                return !has || !Values.Contains(value!);
            case LabelSelectorOperator.Exists:
                return has;
            case LabelSelectorOperator.DoesNotExist:
                return !has;
            case LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan:
                if (!has || Values.Count != 1 || !TryParseGoInt64(value!, out var actual) || !TryParseGoInt64(Values[0], out var bound))
                {
                    return false;
                }

                return Operator == LabelSelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>Requirement.String: "key=v", "key in (a,b)", "!key", "key>1".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == LabelSelectorOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                return sb.ToString();
            case LabelSelectorOperator.In or LabelSelectorOperator.NotIn:
                sb.Append(Operator == LabelSelectorOperator.In ? " in (" : " notin (");
                sb.Append(string.Join(',', Values.Order(StringComparer.Ordinal))).Append(')');
                return sb.ToString();
            default:
                sb.Append(Operator switch
                {
                    LabelSelectorOperator.Equal => "=",
                    LabelSelectorOperator.DoubleEqual => "==",
                    LabelSelectorOperator.NotEqual => "!=",
                    LabelSelectorOperator.GreaterThan => ">",
                    _ => "<",
                });
                return sb.Append(string.Join(',', Values.Order(StringComparer.Ordinal))).ToString();
        }
    }

    /// <summary>strconv.ParseInt(s, 10, 64): optional sign, ASCII digits only.</summary>
    internal static bool TryParseGoInt64(string s, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

/// <summary>
/// A label selector with the syntax, validation, error texts and matching of k8s.io/apimachinery pkg/labels:
/// <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>,
/// <c>a&lt;1</c>, with commas meaning AND.
/// </summary>
internal sealed class LabelSelector
{
    private static readonly string[] BinaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"];

    private readonly LabelRequirement[] _requirements;
    private readonly bool _matchesNothing;

    private LabelSelector(LabelRequirement[] requirements, bool matchesNothing)
    {
        _requirements = requirements;
        _matchesNothing = matchesNothing;
    }

    /// <summary>labels.Everything(): matches every object.</summary>
    public static LabelSelector Everything { get; } = new([], matchesNothing: false);

    /// <summary>labels.Nothing(): matches no object (what a null metav1.LabelSelector converts to).</summary>
    public static LabelSelector Nothing { get; } = new([], matchesNothing: true);

    /// <summary>True when the selector does not restrict the selection (upstream Empty()).</summary>
    public bool IsEverything => !_matchesNothing && _requirements.Length == 0;

    /// <summary>True for <see cref="Nothing"/>.</summary>
    public bool IsNothing => _matchesNothing;

    /// <summary>The terms, sorted by key (a stable sort, as upstream's parse and Add do).</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>
    /// labels.Parse: parses a labelSelector query parameter. Null or empty selects everything.
    /// </summary>
    /// <exception cref="SelectorParseException">The selector is malformed; the message is upstream's.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var requirements = new Parser(text).Parse();
        return requirements.Count == 0 ? Everything : new LabelSelector(SortByKey(requirements), matchesNothing: false);
    }

    /// <summary>
    /// An admission rule's namespaceSelector or objectSelector: everything when absent, nothing when invalid (the
    /// configuration's validation refuses such a selector; one stored before is treated as matching no object).
    /// </summary>
    public static LabelSelector ForAdmissionMatch(JsonNode? node)
    {
        if (node is not JsonObject selector)
        {
            return Everything;
        }

        try
        {
            return FromLabelSelectorObject(selector);
        }
        catch (SelectorParseException)
        {
            return Nothing;
        }
    }

    /// <summary>
    /// metav1.LabelSelectorAsSelector: converts a metav1.LabelSelector object (matchLabels, matchExpressions with
    /// In, NotIn, Exists, DoesNotExist). Null selects nothing; an empty object selects everything.
    /// </summary>
    /// <exception cref="SelectorParseException">An operator, key or value is invalid; the message is upstream's.</exception>
    public static LabelSelector FromLabelSelectorObject(JsonObject? metav1LabelSelector)
    {
        if (metav1LabelSelector is null)
        {
            return Nothing;
        }

        var requirements = new List<LabelRequirement>();
        if (metav1LabelSelector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                requirements.Add(NewRequirement(key, LabelSelectorOperator.Equal, [AsString(value)]));
            }
        }

        if (metav1LabelSelector["matchExpressions"] is JsonArray matchExpressions)
        {
            foreach (var node in matchExpressions)
            {
                var expression = node as JsonObject;
                var key = AsString(expression?["key"]);
                var op = AsString(expression?["operator"]);
                LabelSelectorOperator selectionOp = op switch
                {
                    "In" => LabelSelectorOperator.In,
                    "NotIn" => LabelSelectorOperator.NotIn,
                    "Exists" => LabelSelectorOperator.Exists,
                    "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
                    _ => throw new SelectorParseException(GoQuote(op) + " is not a valid label selector operator"),
                };
                var values = expression?["values"] is JsonArray array ? array.Select(AsString).ToList() : [];
                requirements.Add(NewRequirement(key, selectionOp, values));
            }
        }

        return requirements.Count == 0 ? Everything : new LabelSelector(SortByKey(requirements), matchesNothing: false);
    }

    /// <summary>
    /// labels.NewRequirement: builds one term, checking the key, the value count for the operator and each value.
    /// </summary>
    /// <exception cref="SelectorParseException">The term is invalid; the message is upstream's aggregated field errors.</exception>
    public static LabelRequirement NewRequirement(string key, LabelSelectorOperator op, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        var errors = new List<string>();
        var keyErrors = NameValidation.IsQualifiedName(key);
        if (keyErrors.Count > 0)
        {
            errors.Add(InvalidText("key", key, string.Join("; ", keyErrors)));
        }

        switch (op)
        {
            case LabelSelectorOperator.In or LabelSelectorOperator.NotIn:
                if (values.Count == 0)
                {
                    errors.Add(InvalidText("values", values, "for 'in', 'notin' operators, values set can't be empty"));
                }

                break;
            case LabelSelectorOperator.Equal or LabelSelectorOperator.DoubleEqual or LabelSelectorOperator.NotEqual:
                if (values.Count != 1)
                {
                    errors.Add(InvalidText("values", values, "exact-match compatibility requires one single value"));
                }

                break;
            case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                if (values.Count != 0)
                {
                    errors.Add(InvalidText("values", values, "values set must be empty for exists and does not exist"));
                }

                break;
            case LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan:
                if (values.Count != 1)
                {
                    errors.Add(InvalidText("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"));
                }

                for (var i = 0; i < values.Count; i++)
                {
                    if (!LabelRequirement.TryParseGoInt64(values[i], out _))
                    {
                        errors.Add(InvalidText(Index("values", i), values[i], "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }

                break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var valueErrors = NameValidation.IsValidLabelValue(values[i]);
            if (valueErrors.Count > 0)
            {
                errors.Add(InvalidText(Index("values", i) + "[" + key + "]", values[i], string.Join("; ", valueErrors)));
            }
        }

        if (errors.Count > 0)
        {
            throw new SelectorParseException(Aggregate(errors));
        }

        return new LabelRequirement(key, op, values.ToArray());
    }

    /// <summary>Whether the labels satisfy every term. Null labels are treated as no labels.</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (_matchesNothing)
        {
            return false;
        }

        labels ??= new Dictionary<string, string>();
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Upstream String(): the terms joined by commas, in key order.</summary>
    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));

    private static LabelRequirement[] SortByKey(List<LabelRequirement> requirements) =>
        [.. requirements.OrderBy(r => r.Key, StringComparer.Ordinal)];

    private static string AsString(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : node?.ToJsonString() ?? "";

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>field.Invalid(path, value, detail).Error() for a string value.</summary>
    private static string InvalidText(string path, string value, string detail) =>
        path + ": Invalid value: " + GoQuote(value) + ": " + detail;

    /// <summary>
    /// field.Invalid(path, values, detail).Error() for a []string value, JSON-encoded; an empty list is the nil slice
    /// LabelSelectorAsSelector passes, which encodes as null.
    /// </summary>
    private static string InvalidText(string path, IReadOnlyList<string> values, string detail) =>
        path + ": Invalid value: " + (values.Count == 0 ? "null" : "[" + string.Join(',', values.Select(GoJsonString)) + "]") + ": " + detail;

    /// <summary>A string as Go's encoding/json writes it (HTML-safe escapes, non-ASCII kept).</summary>
    private static string GoJsonString(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c is '<' or '>' or '&' or '\u2028' or '\u2029')
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets.</summary>
    private static string Aggregate(List<string> messages)
    {
        var distinct = messages.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    /// <summary>Go's %q / strconv.Quote for the characters a selector can carry.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\a':
                    sb.Append("\\a");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    }
                    else if (rune.Value < 0x80 || IsGoPrintable(rune))
                    {
                        sb.Append(rune.ToString());
                    }
                    else if (rune.Value < 0x10000)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    }
                    else
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsGoPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };

    private enum Token
    {
        Error,
        EndOfString,
        ClosedPar,
        Comma,
        DoesNotExist,
        DoubleEquals,
        EqualsSign,
        GreaterThan,
        Identifier,
        In,
        LessThan,
        NotEquals,
        NotIn,
        OpenPar,
    }

    private enum Context
    {
        KeyAndOperator,
        Values,
    }

    /// <summary>The lexer and recursive-descent parser of pkg/labels/selector.go, kept token for token.</summary>
    private sealed class Parser
    {
        private readonly string _text;
        private readonly List<(Token Token, string Literal)> _items = [];
        private int _lexPosition;
        private int _position;

        public Parser(string text)
        {
            _text = text;
        }

        public List<LabelRequirement> Parse()
        {
            Scan();
            var requirements = new List<LabelRequirement>();
            while (true)
            {
                var (tok, lit) = Lookahead(Context.Values);
                switch (tok)
                {
                    case Token.Identifier or Token.DoesNotExist:
                        requirements.Add(ParseRequirementOrThrow());
                        var (t, l) = Consume(Context.Values);
                        switch (t)
                        {
                            case Token.EndOfString:
                                return requirements;
                            case Token.Comma:
                                var (t2, l2) = Lookahead(Context.Values);
                                if (t2 != Token.Identifier && t2 != Token.DoesNotExist)
                                {
                                    throw new SelectorParseException($"found '{l2}', expected: identifier after ','");
                                }

                                break;
                            default:
                                throw new SelectorParseException($"found '{l}', expected: ',' or 'end of string'");
                        }

                        break;
                    case Token.EndOfString:
                        return requirements;
                    default:
                        throw new SelectorParseException($"found '{lit}', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private LabelRequirement ParseRequirementOrThrow()
        {
            try
            {
                return ParseRequirement();
            }
            catch (SelectorParseException e)
            {
                throw new SelectorParseException("unable to parse requirement: " + e.Message, e);
            }
        }

        private LabelRequirement ParseRequirement()
        {
            var (key, op) = ParseKeyAndInferOperator();
            if (op is LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist)
            {
                return NewRequirement(key, op.Value, []);
            }

            var binary = ParseOperator();
            var values = binary is LabelSelectorOperator.In or LabelSelectorOperator.NotIn ? ParseValues() : ParseExactValue();
            return NewRequirement(key, binary, [.. values.Order(StringComparer.Ordinal)]);
        }

        private (string Key, LabelSelectorOperator? Operator) ParseKeyAndInferOperator()
        {
            LabelSelectorOperator? op = null;
            var (tok, literal) = Consume(Context.Values);
            if (tok == Token.DoesNotExist)
            {
                op = LabelSelectorOperator.DoesNotExist;
                (tok, literal) = Consume(Context.Values);
            }

            if (tok != Token.Identifier)
            {
                throw new SelectorParseException($"found '{literal}', expected: identifier");
            }

            var keyErrors = NameValidation.IsQualifiedName(literal);
            if (keyErrors.Count > 0)
            {
                // Upstream validates with a nil field path here, which prints as "<nil>".
                throw new SelectorParseException(InvalidText("<nil>", literal, string.Join("; ", keyErrors)));
            }

            var (next, _) = Lookahead(Context.Values);
            if ((next == Token.EndOfString || next == Token.Comma) && op != LabelSelectorOperator.DoesNotExist)
            {
                op = LabelSelectorOperator.Exists;
            }

            return (literal, op);
        }

        private LabelSelectorOperator ParseOperator()
        {
            var (tok, lit) = Consume(Context.KeyAndOperator);
            return tok switch
            {
                Token.In => LabelSelectorOperator.In,
                Token.EqualsSign => LabelSelectorOperator.Equal,
                Token.DoubleEquals => LabelSelectorOperator.DoubleEqual,
                Token.GreaterThan => LabelSelectorOperator.GreaterThan,
                Token.LessThan => LabelSelectorOperator.LessThan,
                Token.NotIn => LabelSelectorOperator.NotIn,
                Token.NotEquals => LabelSelectorOperator.NotEqual,
                _ => throw new SelectorParseException($"found '{lit}', expected: {string.Join(", ", BinaryOperators)}"),
            };
        }

        private SortedSet<string> ParseValues()
        {
            var (tok, lit) = Consume(Context.Values);
            if (tok != Token.OpenPar)
            {
                throw new SelectorParseException($"found '{lit}' expected: '('");
            }

            (tok, lit) = Lookahead(Context.Values);
            switch (tok)
            {
                case Token.Identifier or Token.Comma:
                    var set = ParseIdentifiersList();
                    if (Consume(Context.Values).Token != Token.ClosedPar)
                    {
                        throw new SelectorParseException($"found '{lit}', expected: ')'");
                    }

                    return set;
                case Token.ClosedPar:
                    Consume(Context.Values);
                    return new SortedSet<string>(StringComparer.Ordinal) { "" };
                default:
                    throw new SelectorParseException($"found '{lit}', expected: ',', ')' or identifier");
            }
        }

        private SortedSet<string> ParseIdentifiersList()
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var (tok, lit) = Consume(Context.Values);
                switch (tok)
                {
                    case Token.Identifier:
                        set.Add(lit);
                        var (tok2, lit2) = Lookahead(Context.Values);
                        switch (tok2)
                        {
                            case Token.Comma:
                                continue;
                            case Token.ClosedPar:
                                return set;
                            default:
                                throw new SelectorParseException($"found '{lit2}', expected: ',' or ')'");
                        }

                    case Token.Comma:
                        if (set.Count == 0)
                        {
                            set.Add(""); // "(,"
                        }

                        var (next, _) = Lookahead(Context.Values);
                        if (next == Token.ClosedPar)
                        {
                            set.Add(""); // ",)"
                            return set;
                        }

                        if (next == Token.Comma)
                        {
                            Consume(Context.Values);
                            set.Add(""); // ",,"
                        }

                        break;
                    default:
                        throw new SelectorParseException($"found '{lit}', expected: ',', or identifier");
                }
            }
        }

        private SortedSet<string> ParseExactValue()
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            var (tok, _) = Lookahead(Context.Values);
            if (tok == Token.EndOfString || tok == Token.Comma)
            {
                set.Add("");
                return set;
            }

            (tok, var lit) = Consume(Context.Values);
            if (tok == Token.Identifier)
            {
                set.Add(lit);
                return set;
            }

            throw new SelectorParseException($"found '{lit}', expected: identifier");
        }

        private (Token Token, string Literal) Lookahead(Context context) => InContext(_items[_position], context);

        // Never moves past the end-of-string token, which every further read sees again.
        private (Token Token, string Literal) Consume(Context context)
        {
            var item = _items[_position];
            if (_position < _items.Count - 1)
            {
                _position++;
            }

            return InContext(item, context);
        }

        // In a values context the keywords "in" and "notin" are plain identifiers ("in in (in)").
        private static (Token Token, string Literal) InContext((Token Token, string Literal) item, Context context) =>
            context == Context.Values && item.Token is Token.In or Token.NotIn ? (Token.Identifier, item.Literal) : item;

        private void Scan()
        {
            while (true)
            {
                var item = Lex();
                _items.Add(item);
                if (item.Token == Token.EndOfString)
                {
                    return;
                }
            }
        }

        // Go's lexer reads bytes and returns 0 at the end; a NUL in the input therefore also ends it.
        private char Read() => _lexPosition < _text.Length ? _text[_lexPosition++] : '\0';

        private void Unread() => _lexPosition--;

        private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

        private static bool IsSpecialSymbol(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

        private (Token Token, string Literal) Lex()
        {
            var c = Read();
            while (IsWhitespace(c))
            {
                c = Read();
            }

            if (c == '\0')
            {
                return (Token.EndOfString, "");
            }

            Unread();
            return IsSpecialSymbol(c) ? ScanSpecialSymbol() : ScanIdOrKeyword();
        }

        private (Token Token, string Literal) ScanIdOrKeyword()
        {
            var start = _lexPosition;
            while (true)
            {
                var c = Read();
                if (c == '\0')
                {
                    break;
                }

                if (IsSpecialSymbol(c) || IsWhitespace(c))
                {
                    Unread();
                    break;
                }
            }

            var end = Math.Min(_lexPosition, _text.Length);
            var s = _text[start..end];
            var nul = s.IndexOf('\0', StringComparison.Ordinal);
            if (nul >= 0)
            {
                s = s[..nul];
            }

            return s switch
            {
                "in" => (Token.In, s),
                "notin" => (Token.NotIn, s),
                _ => (Token.Identifier, s),
            };
        }

        private (Token Token, string Literal) ScanSpecialSymbol()
        {
            var last = (Token: Token.Error, Literal: "");
            var buffer = new StringBuilder();
            while (true)
            {
                var c = Read();
                if (c == '\0')
                {
                    break;
                }

                if (!IsSpecialSymbol(c))
                {
                    Unread();
                    break;
                }

                buffer.Append(c);
                var token = SymbolToken(buffer.ToString());
                if (token != Token.Error)
                {
                    last = (token, buffer.ToString());
                }
                else if (last.Token != Token.Error)
                {
                    Unread();
                    break;
                }
            }

            return last.Token == Token.Error ? (Token.Error, $"error expected: keyword found '{buffer}'") : last;
        }

        private static Token SymbolToken(string s) => s switch
        {
            ")" => Token.ClosedPar,
            "," => Token.Comma,
            "!" => Token.DoesNotExist,
            "==" => Token.DoubleEquals,
            "=" => Token.EqualsSign,
            ">" => Token.GreaterThan,
            "<" => Token.LessThan,
            "!=" => Token.NotEquals,
            "(" => Token.OpenPar,
            _ => Token.Error,
        };
    }
}
