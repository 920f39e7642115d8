using System.Globalization;
using System.Text;

namespace FakeApiServer.Tests.Schema.Cel.Conformance;

/// <summary>
/// A protobuf text-format message, read without its schema: each field is a name with a scalar (kept as the raw
/// bytes of a string, or the token text of a number or enum) or a nested message. Enough for cel-spec's test files.
/// </summary>
internal sealed class TextProto
{
    private TextProto(List<(string Name, object Value)> fields) => Fields = fields;

    public List<(string Name, object Value)> Fields { get; }

    public TextProto? Message(string name) => Fields.FirstOrDefault(f => f.Name == name).Value as TextProto;

    public IEnumerable<TextProto> Messages(string name) => Fields.Where(f => f.Name == name).Select(f => f.Value).OfType<TextProto>();

    public string? Scalar(string name) => Fields.FirstOrDefault(f => f.Name == name).Value switch
    {
        byte[] b => Encoding.UTF8.GetString(b),
        string s => s,
        _ => null,
    };

    public static TextProto Parse(string text)
    {
        var at = 0;
        return ReadMessage(text, ref at, null);
    }

    private static TextProto ReadMessage(string text, ref int at, char? close)
    {
        var fields = new List<(string, object)>();
        while (true)
        {
            SkipSpace(text, ref at);
            if (at >= text.Length || (close is { } c && text[at] == c))
            {
                at++;
                return new TextProto(fields);
            }

            var start = at;
            while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] is '_' or '.' or '[' or ']' or '/'))
            {
                at++;
            }

            var name = text[start..at];
            SkipSpace(text, ref at);
            if (text[at] == ':')
            {
                at++;
                SkipSpace(text, ref at);
            }

            if (text[at] is '{' or '<')
            {
                var closing = text[at] == '{' ? '}' : '>';
                at++;
                fields.Add((name, ReadMessage(text, ref at, closing)));
            }
            else if (text[at] == '[')
            {
                // A list of scalars or messages: each item becomes one field of the name.
                at++;
                while (true)
                {
                    SkipSpace(text, ref at);
                    if (text[at] == ']')
                    {
                        at++;
                        break;
                    }

                    if (text[at] == ',')
                    {
                        at++;
                        continue;
                    }

                    if (text[at] is '{' or '<')
                    {
                        var closing = text[at] == '{' ? '}' : '>';
                        at++;
                        fields.Add((name, ReadMessage(text, ref at, closing)));
                    }
                    else
                    {
                        fields.Add((name, ReadScalar(text, ref at)));
                    }
                }
            }
            else
            {
                fields.Add((name, ReadScalar(text, ref at)));
            }

            SkipSpace(text, ref at);
            if (at < text.Length && text[at] is ',' or ';')
            {
                at++;
            }
        }
    }

    /// <summary>A quoted string as its bytes, or any other scalar as its token text.</summary>
    private static object ReadScalar(string text, ref int at) =>
        text[at] is '"' or '\'' ? ReadStrings(text, ref at) : ReadToken(text, ref at);

    private static string ReadToken(string text, ref int at)
    {
        var start = at;
        while (at < text.Length && !char.IsWhiteSpace(text[at]) && text[at] is not ('}' or '>' or ',' or ']' or ';'))
        {
            at++;
        }

        return text[start..at];
    }

    private static byte[] ReadStrings(string text, ref int at)
    {
        var bytes = new List<byte>();
        while (at < text.Length && text[at] is '"' or '\'')
        {
            bytes.AddRange(ReadString(text, ref at));
            SkipSpace(text, ref at);
        }

        return [.. bytes];
    }

    private static List<byte> ReadString(string text, ref int at)
    {
        var quote = text[at++];
        var bytes = new List<byte>();
        while (text[at] != quote)
        {
            var c = text[at++];
            if (c != '\\')
            {
                var rune = char.IsHighSurrogate(c) ? new Rune(c, text[at++]) : new Rune(c);
                var buffer = new byte[4];
                bytes.AddRange(buffer.AsSpan(0, rune.EncodeToUtf8(buffer)).ToArray());
                continue;
            }

            var e = text[at++];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case 'x' or 'X':
                    var hexStart = at;
                    while (at < text.Length && at - hexStart < 2 && Uri.IsHexDigit(text[at]))
                    {
                        at++;
                    }

                    bytes.Add(byte.Parse(text[hexStart..at], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    break;
                case 'u' or 'U':
                    var length = e == 'u' ? 4 : 8;
                    var code = int.Parse(text.AsSpan(at, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    at += length;
                    var b = new byte[4];
                    bytes.AddRange(b.AsSpan(0, new Rune(code).EncodeToUtf8(b)).ToArray());
                    break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2 && text[at] is >= '0' and <= '7'; i++)
                    {
                        octal = (octal * 8) + (text[at++] - '0');
                    }

                    bytes.Add((byte)octal);
                    break;
                default:
                    bytes.Add((byte)e);
                    break;
            }
        }

        at++;
        return bytes;
    }

    private static void SkipSpace(string text, ref int at)
    {
        while (at < text.Length)
        {
            if (char.IsWhiteSpace(text[at]))
            {
                at++;
            }
            else if (text[at] == '#')
            {
                while (at < text.Length && text[at] != '\n')
                {
                    at++;
                }
            }
            else
            {
                return;
            }
        }
    }
}
