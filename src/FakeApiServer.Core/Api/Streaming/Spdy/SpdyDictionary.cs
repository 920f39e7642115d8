using System.Buffers.Binary;
using System.Text;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// The preset zlib dictionary of SPDY/3 header blocks (the SPDY/3 draft, section 2.6.10.1): common header names, each
/// with its 4-byte big-endian length, then status lines, dates and content types. Both sides seed their header
/// compression with it, so a client's first SYN_STREAM already refers back into it.
/// </summary>
internal static class SpdyDictionary
{
    /// <summary>Adler-32 of <see cref="Bytes"/>: the dictionary id a zlib stream that uses it announces.</summary>
    public const uint Adler32 = 0xe3c6a7c2;

    private static readonly string[] Names =
    [
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
        "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
        "content-base", "content-encoding", "content-language", "content-length", "content-location", "content-md5",
        "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host", "if-match",
        "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location",
        "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after",
        "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
        "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
        "set-cookie", "keep-alive", "origin",
    ];

    private const string Tail =
        "1001012012022052063003023033043053063074024054064074084094104114124134144154164175025045052" +
        "03 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

    public static readonly byte[] Bytes = Build();

    private static byte[] Build()
    {
        var bytes = new List<byte>();
        Span<byte> length = stackalloc byte[4];
        foreach (var name in Names)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, name.Length);
            bytes.AddRange(length.ToArray());
            bytes.AddRange(Encoding.ASCII.GetBytes(name));
        }

        bytes.AddRange(Encoding.ASCII.GetBytes(Tail));
        return [.. bytes];
    }
}
