using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// One HTTP/1.1 response as it came over the wire: status line, header fields in order and the body (de-chunked).
/// Read with a plain socket rather than HttpClient, so that no header is folded, renamed or dropped on the way.
/// </summary>
internal sealed class RawHttpResponse
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private RawHttpResponse(int status, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, byte[] wire)
    {
        Status = status;
        Headers = headers;
        Body = body;
        Wire = wire;
    }

    /// <summary>The status code.</summary>
    public int Status { get; }

    /// <summary>The header fields, in the order they came.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body, without the chunked framing when there was one.</summary>
    public byte[] Body { get; }

    /// <summary>The response as it was read: status line, headers and framed body.</summary>
    public byte[] Wire { get; }

    /// <summary>Whether the body came with <c>Transfer-Encoding: chunked</c>.</summary>
    public bool Chunked => Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found ? found.Value : null;

    /// <summary>
    /// GETs <paramref name="path"/> on a connection of its own, sending only the Host header as HttpClient does for a
    /// GET, and reads the whole response.
    /// </summary>
    public static async Task<RawHttpResponse> GetAsync(Uri baseAddress, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = client.GetStream();
        var target = new Uri(baseAddress, path).PathAndQuery;
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n\r\n"), cancellationToken);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the connection closed before the response was complete");
            }

            received.Write(buffer, 0, read);
            if (TryParse(received.ToArray(), out var response))
            {
                return response;
            }
        }
    }

    /// <summary>Parses a complete response read earlier (<see cref="Wire"/>).</summary>
    public static RawHttpResponse Parse(byte[] wire) =>
        TryParse(wire, out var response) ? response : throw new FormatException("not a complete HTTP/1.1 response");

    private static bool TryParse(byte[] wire, out RawHttpResponse response)
    {
        response = null!;
        var end = wire.AsSpan().IndexOf(HeaderEnd);
        if (end < 0)
        {
            return false;
        }

        var lines = Encoding.ASCII.GetString(wire, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l =>
        {
            var colon = l.IndexOf(':', StringComparison.Ordinal);
            return KeyValuePair.Create(l[..colon], l[(colon + 1)..].Trim());
        }).ToList();
        var rest = wire.AsSpan(end + HeaderEnd.Length);
        byte[] body;
        int framedLength;
        var partial = new RawHttpResponse(status, headers, [], []);
        if (partial.Chunked)
        {
            if (!TryDechunk(rest, out body, out framedLength))
            {
                return false;
            }
        }
        else
        {
            var length = partial.Header("Content-Length") is { } cl ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
            if (rest.Length < length)
            {
                return false;
            }

            body = rest[..length].ToArray();
            framedLength = length;
        }

        response = new RawHttpResponse(status, headers, body, wire.AsSpan(0, end + HeaderEnd.Length + framedLength).ToArray());
        return true;
    }

    private static bool TryDechunk(ReadOnlySpan<byte> framed, out byte[] body, out int framedLength)
    {
        var output = new MemoryStream();
        var position = 0;
        body = [];
        framedLength = 0;
        while (true)
        {
            var lineEnd = framed[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }

            var sizeText = Encoding.ASCII.GetString(framed.Slice(position, lineEnd)).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position += lineEnd + 2;
            if (size == 0)
            {
                // No trailers are expected: the last chunk is followed by an empty line.
                if (framed.Length < position + 2)
                {
                    return false;
                }

                body = output.ToArray();
                framedLength = position + 2;
                return true;
            }

            if (framed.Length < position + size + 2)
            {
                return false;
            }

            output.Write(framed.Slice(position, size));
            position += size + 2;
        }
    }
}
