namespace FakeApiServer.Api;

/// <summary>
/// A \uD800-style escape that is not half of a surrogate pair reads as U+FFFD in Go's JSON decoder; System.Text.Json
/// parses it but fails when the string (or property name) is first read. Rewriting such escapes to \ufffd before
/// parsing gives Go's result, so a lone surrogate in a value or a key is then validated like any other text.
/// </summary>
internal static class LoneSurrogates
{
    private static readonly byte[] Replacement = "\\ufffd"u8.ToArray();

    /// <summary><paramref name="json"/> itself when it holds no lone surrogate escape, else a copy with each one replaced.</summary>
    public static byte[] Replace(byte[] json)
    {
        if (json.AsSpan().IndexOf("\\u"u8) < 0)
        {
            return json;
        }

        byte[]? copy = null;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (b == '"')
            {
                inString = !inString;
                continue;
            }

            if (!inString || b != '\\')
            {
                continue;
            }

            if (Hex4(json, i + 1) is not { } unit)
            {
                i++; // a one-character escape such as \" or \\
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF && Hex4(json, i + 7) is >= 0xDC00 and <= 0xDFFF && json[i + 6] == '\\')
            {
                i += 11; // a valid pair
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                copy ??= (byte[])json.Clone();
                Replacement.CopyTo(copy, i);
            }

            i += 5;
        }

        return copy ?? json;
    }

    /// <summary>The code unit of a "uXXXX" escape body starting at <paramref name="at"/> (the 'u'), or null.</summary>
    private static int? Hex4(byte[] json, int at)
    {
        if (at + 4 >= json.Length || json[at] != 'u')
        {
            return null;
        }

        var value = 0;
        for (var k = 1; k <= 4; k++)
        {
            var digit = HexDigit(json[at + k]);
            if (digit < 0)
            {
                return null;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
