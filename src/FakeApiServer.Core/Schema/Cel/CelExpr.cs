namespace FakeApiServer.Schema.Cel;

/// <summary>A parsed CEL expression (the cel-spec syntax tree, with macros expanded into their own nodes).</summary>
internal abstract record CelExpr;

internal sealed record CelLiteral(object Value) : CelExpr;

internal sealed record CelIdent(string Name) : CelExpr;

/// <summary><c>operand.field</c>; with <see cref="Test"/> it is the has() macro's presence test.</summary>
internal sealed record CelSelect(CelExpr Operand, string Field, bool Test = false) : CelExpr;

internal sealed record CelIndex(CelExpr Operand, CelExpr Index) : CelExpr;

/// <summary>A function call: global <c>f(args)</c> or member <c>target.f(args)</c>.</summary>
internal sealed record CelCall(CelExpr? Target, string Function, IReadOnlyList<CelExpr> Args) : CelExpr;

internal sealed record CelListLiteral(IReadOnlyList<CelExpr> Items) : CelExpr;

internal sealed record CelMapLiteral(IReadOnlyList<(CelExpr Key, CelExpr Value)> Entries) : CelExpr;

internal sealed record CelUnary(string Op, CelExpr Operand) : CelExpr;

internal sealed record CelBinary(string Op, CelExpr Left, CelExpr Right) : CelExpr;

internal sealed record CelConditional(CelExpr Condition, CelExpr Then, CelExpr Else) : CelExpr;

/// <summary>The comprehension macros all, exists, exists_one, map (with optional filter) and filter.</summary>
internal sealed record CelComprehension(string Macro, CelExpr Range, string Variable, CelExpr? Filter, CelExpr Step) : CelExpr;
