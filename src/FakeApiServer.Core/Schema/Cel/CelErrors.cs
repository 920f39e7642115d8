namespace FakeApiServer.Schema.Cel;

/// <summary>
/// A CEL runtime error as cel-go reports it ("no such key: x", "division by zero", "no such overload"): the rule is
/// judged and fails, as upstream reports "&lt;error&gt; evaluating rule: &lt;rule&gt;".
/// </summary>
internal sealed class CelEvaluationException : Exception
{
    public CelEvaluationException(string message)
        : base(message)
    {
    }

    public CelEvaluationException()
    {
    }

    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static CelEvaluationException NoSuchOverload(string function) => new("no such overload: " + function);
}

/// <summary>
/// A rule this server cannot judge: a syntax error, or a function, macro or type outside the supported subset.
/// The rule is reported as a warning, never silently skipped and never failed.
/// </summary>
internal sealed class CelUnsupportedException : Exception
{
    public CelUnsupportedException(string message)
        : base(message)
    {
    }

    public CelUnsupportedException()
    {
    }

    public CelUnsupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
