namespace FakeApiServer.Schema.Cel;

/// <summary>
/// Evaluates a parsed CEL expression over runtime values (<see cref="CelValues"/>) with CEL's semantics: &amp;&amp; and ||
/// absorb an error when the other side decides the result (false &amp;&amp; error is false), comprehensions do the same
/// per element, field selection on a missing key is "no such key", has() tests presence.
/// </summary>
internal sealed class CelInterpreter
{
    private readonly Dictionary<string, object> _variables;

    public CelInterpreter(IReadOnlyDictionary<string, object> variables) =>
        _variables = new Dictionary<string, object>(variables, StringComparer.Ordinal);

    public object Evaluate(CelExpr expr) => expr switch
    {
        CelLiteral l => l.Value,
        CelIdent i => _variables.TryGetValue(i.Name, out var v) ? v : throw Undeclared(i.Name),
        CelSelect s => Select(s),
        CelIndex x => Index(Evaluate(x.Operand), Evaluate(x.Index)),
        CelListLiteral l => l.Items.Select(Evaluate).ToList(),
        CelMapLiteral m => new CelMap(m.Entries.Select(e => KeyValuePair.Create(Evaluate(e.Key), Evaluate(e.Value)))),
        CelUnary { Op: "!" } u => Evaluate(u.Operand) is bool b ? !b : throw new CelEvaluationException("no such overload: !" + CelValues.TypeName(Evaluate(u.Operand))),
        CelUnary u => CelOperators.Negate(Evaluate(u.Operand)),
        CelBinary { Op: "&&" } b => Logical(b, shortCircuit: false),
        CelBinary { Op: "||" } b => Logical(b, shortCircuit: true),
        CelBinary b => Binary(b.Op, Evaluate(b.Left), Evaluate(b.Right)),
        CelConditional c => Evaluate(c.Condition) switch
        {
            true => Evaluate(c.Then),
            false => Evaluate(c.Else),
            var other => throw new CelEvaluationException("no such overload: " + CelValues.TypeName(other) + " ? _ : _"),
        },
        CelComprehension c => Comprehension(c),
        CelCall c => Call(c),
        _ => throw new CelUnsupportedException("expression " + expr.GetType().Name + " is not supported"),
    };

    private static CelUnsupportedException Undeclared(string name) =>
        new("undeclared reference to '" + name + "'");

    private object Select(CelSelect s)
    {
        var operand = Evaluate(s.Operand);
        if (operand is Library.ICelFields fields)
        {
            var has = fields.TryGetField(s.Field, out var field);
            return s.Test ? has : has ? field : throw new CelEvaluationException("no such key: " + s.Field);
        }

        if (operand is not CelMap map)
        {
            throw new CelEvaluationException("no such overload: " + CelValues.TypeName(operand) + "." + s.Field);
        }

        var found = map.TryGet(s.Field, out var value) || map.TryGet(Unescape(s.Field), out value);
        if (s.Test)
        {
            return found;
        }

        return found ? value : throw new CelEvaluationException("no such key: " + s.Field);
    }

    /// <summary>Kubernetes escapes property names that are not CEL identifiers: __dash__, __dot__, __slash__, __underscores__, __{keyword}__.</summary>
    private static string Unescape(string name)
    {
        if (!name.Contains("__", StringComparison.Ordinal))
        {
            return name;
        }

        if (name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal) && name.Length > 4)
        {
            var inner = name[2..^2];
            if (inner is "true" or "false" or "null" or "in" or "as" or "break" or "const" or "continue" or "else" or "for"
                or "function" or "if" or "import" or "let" or "loop" or "package" or "namespace" or "return" or "var" or "void" or "while")
            {
                return inner;
            }
        }

        return name.Replace("__underscores__", "\u0000", StringComparison.Ordinal)
            .Replace("__dot__", ".", StringComparison.Ordinal)
            .Replace("__dash__", "-", StringComparison.Ordinal)
            .Replace("__slash__", "/", StringComparison.Ordinal)
            .Replace("\u0000", "__", StringComparison.Ordinal);
    }

    private static object Index(object operand, object index)
    {
        switch (operand)
        {
            case IReadOnlyList<object> list:
                var i = index switch
                {
                    long l => l,
                    ulong u => (long)Math.Min(u, long.MaxValue),
                    double d when double.IsInteger(d) => (long)d,
                    _ => throw new CelEvaluationException("no such overload: list[" + CelValues.TypeName(index) + "]"),
                };
                return i >= 0 && i < list.Count ? list[(int)i] : throw new CelEvaluationException("index out of bounds: " + CelOperators.Format(index));
            case CelMap map:
                return map.TryGet(index, out var value) ? value : throw new CelEvaluationException("no such key: " + CelOperators.Format(index));
            default:
                throw new CelEvaluationException("no such overload: " + CelValues.TypeName(operand) + "[" + CelValues.TypeName(index) + "]");
        }
    }

    /// <summary>&amp;&amp; (shortCircuit false) and || (true): either side deciding wins over an error on the other side.</summary>
    private bool Logical(CelBinary b, bool shortCircuit)
    {
        Exception? error = null;
        foreach (var side in (CelExpr[])[b.Left, b.Right])
        {
            try
            {
                switch (Evaluate(side))
                {
                    case bool v when v == shortCircuit:
                        return shortCircuit;
                    case bool:
                        break;
                    case var other:
                        error ??= new CelEvaluationException("no such overload: " + CelValues.TypeName(other) + (shortCircuit ? " || " : " && ") + "bool");
                        break;
                }
            }
            catch (CelEvaluationException e)
            {
                error ??= e;
            }
        }

        return error is null ? !shortCircuit : throw error;
    }

    private static object Binary(string op, object left, object right) => op switch
    {
        "==" => CelOperators.ValueEquals(left, right),
        "!=" => !CelOperators.ValueEquals(left, right),
        "<" => CelOperators.Compare(left, right, op) < 0,
        "<=" => CelOperators.Compare(left, right, op) <= 0,
        ">" => CelOperators.Compare(left, right, op) > 0,
        ">=" => CelOperators.Compare(left, right, op) >= 0,
        "+" => CelOperators.Add(left, right),
        "-" => CelOperators.Subtract(left, right),
        "*" => CelOperators.Multiply(left, right),
        "/" => CelOperators.Divide(left, right),
        "%" => CelOperators.Modulo(left, right),
        "in" => right switch
        {
            IReadOnlyList<object> list => list.Any(x => CelOperators.ValueEquals(x, left)),
            CelMap map => map.TryGet(left, out _),
            _ => throw CelOperators.NoOverload("in", left, right),
        },
        _ => throw new CelUnsupportedException("operator " + op + " is not supported"),
    };

    private object Comprehension(CelComprehension c)
    {
        var range = Evaluate(c.Range);
        IReadOnlyList<object> items = range switch
        {
            IReadOnlyList<object> list => list,
            CelMap map => [.. map.Entries.Select(e => e.Key)],
            _ => throw new CelEvaluationException("no such overload: " + CelValues.TypeName(range) + "." + c.Macro + "()"),
        };

        var shadowed = _variables.TryGetValue(c.Variable, out var saved);
        try
        {
            return c.Macro switch
            {
                "all" => Quantifier(items, c, want: false),
                "exists" => Quantifier(items, c, want: true),
                "exists_one" => items.Count(x => Bool(Bind(c.Variable, x, c.Step), "exists_one")) == 1,
                "map" => items.Where(x => c.Filter is null || Bool(Bind(c.Variable, x, c.Filter), "map")).Select(x => Bind(c.Variable, x, c.Step)).ToList(),
                "filter" => items.Where(x => Bool(Bind(c.Variable, x, c.Step), "filter")).ToList(),
                _ => throw new CelUnsupportedException("macro " + c.Macro + " is not supported"),
            };
        }
        finally
        {
            if (shadowed)
            {
                _variables[c.Variable] = saved!;
            }
            else
            {
                _variables.Remove(c.Variable);
            }
        }
    }

    /// <summary>all (want false) and exists (want true): an element deciding the result wins over another element's error.</summary>
    private bool Quantifier(IReadOnlyList<object> items, CelComprehension c, bool want)
    {
        CelEvaluationException? error = null;
        foreach (var item in items)
        {
            try
            {
                if (Bool(Bind(c.Variable, item, c.Step), c.Macro) == want)
                {
                    return want;
                }
            }
            catch (CelEvaluationException e)
            {
                error ??= e;
            }
        }

        return error is null ? !want : throw error;
    }

    private object Bind(string variable, object value, CelExpr expr)
    {
        _variables[variable] = value;
        return Evaluate(expr);
    }

    private static bool Bool(object value, string macro) =>
        value as bool? ?? throw new CelEvaluationException("no such overload: " + macro + " predicate returned " + CelValues.TypeName(value));

    private object Call(CelCall c)
    {
        if (c.Target is CelIdent qualifier && !_variables.ContainsKey(qualifier.Name) && qualifier.Name is "sets" or "lists" or "ip" or "strings" or "math" or "optional")
        {
            // A namespaced function (sets.contains, ip.isCanonical): the qualifier is not a variable.
            return CelFunctions.Call(qualifier.Name + "." + c.Function, null, [.. c.Args.Select(Evaluate)]);
        }

        var target = c.Target is null ? null : Evaluate(c.Target);
        var args = c.Args.Select(Evaluate).ToList();
        return CelFunctions.Call(c.Function, target, args);
    }
}
