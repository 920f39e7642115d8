using System.Buffers.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// Finds a string field in a JSON line without parsing it: watch events are scanned by thousands of watchers on a
/// two-core machine, so the client must cost far less than the server it measures.
/// </summary>
internal static class JsonScan
{
    private static readonly byte[] ResourceVersionKey = "\"resourceVersion\":\""u8.ToArray();
    private static readonly byte[] SentKey = ("\"" + ObjectBodies.SentAnnotation + "\":\"").Select(c => (byte)c).ToArray();

    /// <summary>The first resourceVersion in the line (an event's object's), or -1.</summary>
    public static long ResourceVersion(ReadOnlySpan<byte> line) => Number(line, ResourceVersionKey);

    /// <summary>The writer's sent timestamp in the line, or -1.</summary>
    public static long Sent(ReadOnlySpan<byte> line) => Number(line, SentKey);

    /// <summary>The first resourceVersion in a response body as text, or null.</summary>
    public static string? ResourceVersionText(ReadOnlySpan<byte> body)
    {
        var value = Number(body, ResourceVersionKey);
        return value < 0 ? null : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long Number(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key)
    {
        var at = line.IndexOf(key);
        if (at < 0)
        {
            return -1;
        }

        var rest = line[(at + key.Length)..];
        return Utf8Parser.TryParse(rest, out long value, out _) ? value : -1;
    }
}
