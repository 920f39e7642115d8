using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// One x-kubernetes-validations entry (apiextensions/v1 ValidationRule): a CEL <see cref="Rule"/> evaluated with
/// <c>self</c> bound to the value at the schema node, and <c>oldSelf</c> to the old value on update.
/// The rule and messageExpression are parsed once, on first use, and kept with the schema.
/// </summary>
internal sealed class ValidationRule
{
    private CelProgram? _program;
    private CelProgram? _messageProgram;

    /// <summary>The CEL expression; it must evaluate to true.</summary>
    public required string Rule { get; init; }

    /// <summary>The error detail when the rule fails; "failed rule: &lt;rule&gt;" when empty.</summary>
    public string? Message { get; init; }

    /// <summary>A CEL expression producing the detail; it wins over <see cref="Message"/> when it evaluates to a string.</summary>
    public string? MessageExpression { get; init; }

    /// <summary>FieldValueInvalid (the default), FieldValueForbidden, FieldValueRequired or FieldValueDuplicate.</summary>
    public string? Reason { get; init; }

    /// <summary>Where the error points, relative to the node (".spec.x", ".labels['a.b']").</summary>
    public string? FieldPath { get; init; }

    /// <summary>The rule also runs without an old value (on create); oldSelf is then an optional.</summary>
    public bool OptionalOldSelf { get; init; }

    /// <summary>The parsed rule (a rule that does not parse carries its error; see <see cref="CelProgram.Error"/>).</summary>
    public CelProgram Program => _program ??= CelProgram.Compile(Rule);

    /// <summary>The parsed messageExpression, or null when there is none.</summary>
    public CelProgram? MessageProgram =>
        MessageExpression is { Length: > 0 } m ? _messageProgram ??= CelProgram.Compile(m) : null;

    public override string ToString() => Rule;
}
