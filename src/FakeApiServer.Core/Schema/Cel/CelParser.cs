using System.Globalization;

namespace FakeApiServer.Schema.Cel;

/// <summary>
/// A Pratt parser for the CEL grammar: ternary, ||, &amp;&amp;, relations (== != &lt; &lt;= &gt; &gt;= in), + -, * / %,
/// unary ! -, then member access, indexing and calls; list and map literals; the has/all/exists/exists_one/map/filter
/// macros. Syntax errors and constructs outside the subset (optional syntax ?. and [?], message literals) throw
/// <see cref="CelUnsupportedException"/>.
/// </summary>
internal sealed class CelParser
{
    private static readonly string[] Reserved = ["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"];

    private readonly List<CelToken> _tokens;
    private int _at;

    private CelParser(List<CelToken> tokens) => _tokens = tokens;

    public static CelExpr Parse(string text)
    {
        var parser = new CelParser(CelLexer.Tokenize(text));
        var expr = parser.Expression();
        if (parser.Peek.Kind != CelTokenKind.End)
        {
            throw parser.Error("mismatched input '" + parser.Peek.Text + "'");
        }

        return expr;
    }

    private CelToken Peek => _tokens[_at];

    private CelToken Next() => _tokens[_at++];

    private bool IsPunct(string p) => Peek.Kind == CelTokenKind.Punct && Peek.Text == p;

    private bool IsIdent(string name) => Peek.Kind == CelTokenKind.Identifier && Peek.Text == name;

    private bool Accept(string p)
    {
        if (IsPunct(p))
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(string p)
    {
        if (!Accept(p))
        {
            throw Error(Peek.Kind == CelTokenKind.End ? "unexpected end of expression, expected '" + p + "'" : "mismatched input '" + Peek.Text + "' expecting '" + p + "'");
        }
    }

    private CelUnsupportedException Error(string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Syntax error: {message} (position {Peek.Position + 1})"));

    private CelExpr Expression()
    {
        var condition = Or();
        if (Accept("?"))
        {
            var then = Or();
            Expect(":");
            var otherwise = Expression();
            return new CelConditional(condition, then, otherwise);
        }

        return condition;
    }

    private CelExpr Or()
    {
        var left = And();
        while (Accept("||"))
        {
            left = new CelBinary("||", left, And());
        }

        return left;
    }

    private CelExpr And()
    {
        var left = Relation();
        while (Accept("&&"))
        {
            left = new CelBinary("&&", left, Relation());
        }

        return left;
    }

    private CelExpr Relation()
    {
        var left = Addition();
        while (true)
        {
            string? op = Peek.Kind == CelTokenKind.Punct && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=" ? Peek.Text
                : IsIdent("in") ? "in" : null;
            if (op is null)
            {
                return left;
            }

            _at++;
            left = new CelBinary(op, left, Addition());
        }
    }

    private CelExpr Addition()
    {
        var left = Multiplication();
        while (Peek.Kind == CelTokenKind.Punct && Peek.Text is "+" or "-")
        {
            var op = Next().Text;
            left = new CelBinary(op, left, Multiplication());
        }

        return left;
    }

    private CelExpr Multiplication()
    {
        var left = Unary();
        while (Peek.Kind == CelTokenKind.Punct && Peek.Text is "*" or "/" or "%")
        {
            var op = Next().Text;
            left = new CelBinary(op, left, Unary());
        }

        return left;
    }

    private CelExpr Unary()
    {
        if (Accept("!"))
        {
            return new CelUnary("!", Unary());
        }

        if (IsPunct("-"))
        {
            _at++;
            if (Peek.Kind == CelTokenKind.Int && Peek.Value is ulong magnitude)
            {
                var token = Next();
                if (magnitude > 9223372036854775808UL)
                {
                    throw Error("invalid int literal '-" + token.Text + "'");
                }

                return Member(new CelLiteral(magnitude == 9223372036854775808UL ? long.MinValue : -(long)magnitude));
            }

            return new CelUnary("-", Unary());
        }

        return Member(Primary());
    }

    private CelExpr Member(CelExpr expr)
    {
        while (true)
        {
            if ((IsPunct(".") || IsPunct("[")) && _tokens[_at + 1] is { Kind: CelTokenKind.Punct, Text: "?" })
            {
                throw new CelUnsupportedException("optional field selection (.? and [?]) is not supported");
            }

            if (Accept("."))
            {
                var name = Next();
                if (name.Kind != CelTokenKind.Identifier)
                {
                    throw Error("mismatched input '" + name.Text + "' expecting IDENTIFIER");
                }

                if (Accept("("))
                {
                    var args = Arguments();
                    expr = MemberCall(expr, name.Text, args);
                }
                else
                {
                    expr = new CelSelect(expr, name.Text);
                }
            }
            else if (Accept("["))
            {
                var index = Expression();
                Expect("]");
                expr = new CelIndex(expr, index);
            }
            else
            {
                return expr;
            }
        }
    }

    private CelExpr MemberCall(CelExpr target, string function, List<CelExpr> args)
    {
        switch (function)
        {
            case "all" or "exists" or "exists_one" or "filter" when args.Count == 2:
                return new CelComprehension(function, target, Variable(args[0]), null, args[1]);
            case "map" when args.Count == 2:
                return new CelComprehension(function, target, Variable(args[0]), null, args[1]);
            case "map" when args.Count == 3:
                return new CelComprehension(function, target, Variable(args[0]), args[1], args[2]);
            case "existsOne" when args.Count == 2:
                return new CelComprehension("exists_one", target, Variable(args[0]), null, args[1]);
            default:
                return new CelCall(target, function, args);
        }
    }

    private string Variable(CelExpr expr) =>
        expr is CelIdent ident ? ident.Name : throw Error("argument must be a simple name");

    private List<CelExpr> Arguments()
    {
        var args = new List<CelExpr>();
        if (Accept(")"))
        {
            return args;
        }

        do
        {
            args.Add(Expression());
        }
        while (Accept(","));
        Expect(")");
        return args;
    }

    private CelExpr Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case CelTokenKind.Int:
                var magnitude = (ulong)token.Value!;
                if (magnitude > long.MaxValue)
                {
                    throw Error("invalid int literal '" + token.Text + "'");
                }

                return new CelLiteral((long)magnitude);
            case CelTokenKind.Uint or CelTokenKind.Double or CelTokenKind.String or CelTokenKind.Bytes:
                return new CelLiteral(token.Value!);
            case CelTokenKind.Identifier:
                return IdentifierOrCall(token);
            case CelTokenKind.Punct when token.Text == "(":
                var inner = Expression();
                Expect(")");
                return inner;
            case CelTokenKind.Punct when token.Text == "[":
                var items = new List<CelExpr>();
                if (!Accept("]"))
                {
                    do
                    {
                        if (IsPunct("]"))
                        {
                            break;
                        }

                        items.Add(Expression());
                    }
                    while (Accept(","));
                    Expect("]");
                }

                return new CelListLiteral(items);
            case CelTokenKind.Punct when token.Text == "{":
                var entries = new List<(CelExpr, CelExpr)>();
                if (!Accept("}"))
                {
                    do
                    {
                        if (IsPunct("}"))
                        {
                            break;
                        }

                        var key = Expression();
                        Expect(":");
                        entries.Add((key, Expression()));
                    }
                    while (Accept(","));
                    Expect("}");
                }

                return new CelMapLiteral(entries);
            case CelTokenKind.Punct when token.Text == ".":
                return Primary();
            case CelTokenKind.End:
                _at--;
                throw Error("unexpected end of expression");
            default:
                _at--;
                throw Error("extraneous input '" + token.Text + "'");
        }
    }

    private CelExpr IdentifierOrCall(CelToken token)
    {
        switch (token.Text)
        {
            case "true":
                return new CelLiteral(true);
            case "false":
                return new CelLiteral(false);
            case "null":
                return new CelLiteral(CelNull.Value);
        }

        if (Reserved.Contains(token.Text))
        {
            _at--;
            throw Error("reserved identifier: " + token.Text);
        }

        if (IsPunct("{"))
        {
            throw new CelUnsupportedException("message construction (" + token.Text + "{...}) is not supported");
        }

        if (!Accept("("))
        {
            return new CelIdent(token.Text);
        }

        var args = Arguments();
        if (token.Text == "has")
        {
            if (args.Count != 1 || args[0] is not CelSelect select)
            {
                throw Error("invalid argument to has() macro");
            }

            return select with { Test = true };
        }

        return new CelCall(null, token.Text, args);
    }
}
