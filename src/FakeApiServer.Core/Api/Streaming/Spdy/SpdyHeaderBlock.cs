using System.Buffers.Binary;
using System.Text;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// A SPDY/3 name/value header block before compression: a 4-byte count, then per header a 4-byte length and the
/// lower-case name, a 4-byte length and the value; several values of one name travel as one value joined by NUL bytes.
/// </summary>
internal static class SpdyHeaderBlock
{
    public static byte[] Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var grouped = headers.GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        using var buffer = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, grouped.Count);
        buffer.Write(number);
        foreach (var group in grouped)
        {
            WriteString(buffer, group.Key, number);
            WriteString(buffer, string.Join('\0', group.Select(h => h.Value)), number);
        }

        return buffer.ToArray();
    }

    /// <summary>The headers in <paramref name="block"/>; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        var count = ReadNumber(ref block);
        var headers = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block).ToLowerInvariant();
            foreach (var value in ReadString(ref block).Split('\0'))
            {
                headers.Add(new(name, value));
            }
        }

        return block.IsEmpty ? headers : throw new InvalidDataException("SPDY header block has trailing bytes");
    }

    private static void WriteString(MemoryStream buffer, string text, Span<byte> number)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32BigEndian(number, bytes.Length);
        buffer.Write(number);
        buffer.Write(bytes);
    }

    private static int ReadNumber(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4)
        {
            throw new InvalidDataException("SPDY header block is truncated");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value <= int.MaxValue ? (int)value : throw new InvalidDataException("SPDY header block length is out of range");
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadNumber(ref block);
        if (block.Length < length)
        {
            throw new InvalidDataException("SPDY header block is truncated");
        }

        var text = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return text;
    }
}
