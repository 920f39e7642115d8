using System.Globalization;
using System.Text;

namespace FakeApiServer.Schema.Cel;

internal enum CelTokenKind
{
    End,
    Identifier,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Punct,
}

/// <summary>One CEL token; <see cref="Value"/> holds the decoded literal for Int, Uint, Double, String and Bytes.</summary>
internal sealed record CelToken(CelTokenKind Kind, string Text, object? Value, int Position);

/// <summary>The CEL lexical grammar (cel-spec langdef.md): identifiers, numbers, quoted and raw strings, operators.</summary>
internal static class CelLexer
{
    private static readonly string[] Puncts = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ".", ",", ":", "?"];

    public static List<CelToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<CelToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')))
            {
                if (text[i] == '/')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }

            if (i >= text.Length)
            {
                tokens.Add(new CelToken(CelTokenKind.End, "", null, i));
                return tokens;
            }

            var start = i;
            var c = text[i];
            if ((c is 'r' or 'R' or 'b' or 'B') && i + 1 < text.Length && (text[i + 1] is '"' or '\'' || (text[i + 1] is 'r' or 'R' or 'b' or 'B' && i + 2 < text.Length && text[i + 2] is '"' or '\'')))
            {
                var raw = false;
                var bytes = false;
                while (text[i] is not ('"' or '\''))
                {
                    raw |= text[i] is 'r' or 'R';
                    bytes |= text[i] is 'b' or 'B';
                    i++;
                }

                var s = ReadString(text, ref i, raw);
                tokens.Add(bytes
                    ? new CelToken(CelTokenKind.Bytes, text[start..i], Encoding.UTF8.GetBytes(s), start)
                    : new CelToken(CelTokenKind.String, text[start..i], s, start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Identifier, text[start..i], null, start));
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (c is '"' or '\'')
            {
                var s = ReadString(text, ref i, raw: false);
                tokens.Add(new CelToken(CelTokenKind.String, text[start..i], s, start));
            }
            else
            {
                var punct = Puncts.FirstOrDefault(p => string.CompareOrdinal(text, i, p, 0, p.Length) == 0)
                    ?? throw new CelUnsupportedException(string.Create(CultureInfo.InvariantCulture, $"Syntax error: token recognition error at: '{c}' (position {i + 1})"));
                i += punct.Length;
                tokens.Add(new CelToken(CelTokenKind.Punct, punct, null, start));
            }
        }
    }

    private static CelToken ReadNumber(string text, ref int i)
    {
        var start = i;
        if (text[i] == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'X')
        {
            i += 2;
            while (i < text.Length && Uri.IsHexDigit(text[i]))
            {
                i++;
            }

            var hex = text[(start + 2)..i];
            if (i < text.Length && text[i] is 'u' or 'U')
            {
                i++;
                return new CelToken(CelTokenKind.Uint, text[start..i], ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture), start);
            }

            return new CelToken(CelTokenKind.Int, text[start..i], ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture), start);
        }

        var isDouble = false;
        while (i < text.Length && char.IsDigit(text[i]))
        {
            i++;
        }

        if (i + 1 < text.Length && text[i] == '.' && char.IsDigit(text[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < text.Length && char.IsDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
            {
                j++;
            }

            if (j < text.Length && char.IsDigit(text[j]))
            {
                isDouble = true;
                i = j;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }
            }
        }

        var literal = text[start..i];
        if (isDouble)
        {
            return new CelToken(CelTokenKind.Double, literal, double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture), start);
        }

        if (i < text.Length && text[i] is 'u' or 'U')
        {
            i++;
            return new CelToken(CelTokenKind.Uint, text[start..i], ulong.Parse(literal, CultureInfo.InvariantCulture), start);
        }

        // The magnitude is checked by the parser: -9223372036854775808 is a valid int literal.
        return new CelToken(CelTokenKind.Int, literal, ulong.Parse(literal, CultureInfo.InvariantCulture), start);
    }

    private static string ReadString(string text, ref int i, bool raw)
    {
        var quote = text[i];
        var triple = i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote;
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new CelUnsupportedException("Syntax error: unterminated string literal");
            }

            if (triple ? string.CompareOrdinal(text, i, new string(quote, 3), 0, 3) == 0 : text[i] == quote)
            {
                i += triple ? 3 : 1;
                return sb.ToString();
            }

            if (!triple && text[i] is '\n' or '\r')
            {
                throw new CelUnsupportedException("Syntax error: unterminated string literal");
            }

            if (text[i] == '\\' && !raw)
            {
                i++;
                if (i >= text.Length)
                {
                    throw new CelUnsupportedException("Syntax error: unterminated string literal");
                }

                var e = text[i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'v': sb.Append('\v'); break;
                    case '\\' or '\'' or '"' or '`' or '?': sb.Append(e); break;
                    case 'x' or 'X':
                        sb.Append((char)int.Parse(text.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 2;
                        break;
                    case 'u':
                        sb.Append((char)int.Parse(text.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    case 'U':
                        sb.Append(char.ConvertFromUtf32(int.Parse(text.AsSpan(i, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                        i += 8;
                        break;
                    default:
                        if (e is >= '0' and <= '7')
                        {
                            sb.Append((char)Convert.ToInt32(text.Substring(i - 1, 3), 8));
                            i += 2;
                            break;
                        }

                        throw new CelUnsupportedException("Syntax error: invalid escape sequence \\" + e);
                }

                continue;
            }

            sb.Append(text[i++]);
        }
    }
}
