namespace FakeApiServer.Schema.Cel;

/// <summary>
/// A compiled x-kubernetes-validations expression: its syntax tree, or the reason it could not be parsed.
/// Immutable; safe to share between requests.
/// </summary>
internal sealed class CelProgram
{
    private CelProgram(string source, CelExpr? expr, string? error)
    {
        Source = source;
        Expression = expr;
        Error = error;
        UsesOldSelf = expr is not null && Mentions(expr, "oldSelf");
    }

    public string Source { get; }

    /// <summary>The syntax tree, or null when <see cref="Error"/> says why there is none.</summary>
    public CelExpr? Expression { get; }

    public string? Error { get; }

    /// <summary>Whether this is a transition rule: it refers to oldSelf (outside a comprehension that rebinds it).</summary>
    public bool UsesOldSelf { get; }

    public static CelProgram Compile(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return new CelProgram(source, CelParser.Parse(source), null);
        }
        catch (CelUnsupportedException e)
        {
            return new CelProgram(source, null, e.Message);
        }
    }

    /// <summary>
    /// Evaluates the expression with the given variables (self, oldSelf). Throws <see cref="CelEvaluationException"/>
    /// for CEL runtime errors and <see cref="CelUnsupportedException"/> for what this server cannot evaluate.
    /// </summary>
    public object Evaluate(IReadOnlyDictionary<string, object> variables)
    {
        if (Expression is null)
        {
            throw new CelUnsupportedException(Error ?? "no expression");
        }

        try
        {
            return new CelInterpreter(variables).Evaluate(Expression);
        }
        catch (InvalidCastException e)
        {
            throw new CelEvaluationException("no such overload", e);
        }
    }

    private static bool Mentions(CelExpr expr, string name) => expr switch
    {
        CelIdent i => i.Name == name,
        CelSelect s => Mentions(s.Operand, name),
        CelIndex x => Mentions(x.Operand, name) || Mentions(x.Index, name),
        CelCall c => (c.Target is not null && Mentions(c.Target, name)) || c.Args.Any(a => Mentions(a, name)),
        CelListLiteral l => l.Items.Any(i => Mentions(i, name)),
        CelMapLiteral m => m.Entries.Any(e => Mentions(e.Key, name) || Mentions(e.Value, name)),
        CelUnary u => Mentions(u.Operand, name),
        CelBinary b => Mentions(b.Left, name) || Mentions(b.Right, name),
        CelConditional c => Mentions(c.Condition, name) || Mentions(c.Then, name) || Mentions(c.Else, name),
        CelComprehension c => Mentions(c.Range, name)
            || (c.Variable != name && ((c.Filter is not null && Mentions(c.Filter, name)) || Mentions(c.Step, name))),
        _ => false,
    };
}
