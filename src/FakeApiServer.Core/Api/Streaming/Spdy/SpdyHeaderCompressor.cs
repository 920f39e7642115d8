using System.Buffers.Binary;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// The outgoing header compression context of one SPDY connection: one zlib stream over all the header blocks this side
/// sends. It writes stored (uncompressed) deflate blocks, then an empty one as zlib's sync flush ends its output (00 00 00
/// FF FF): Go's inflater hands out a block's bytes only once it has read the next block header, so without that marker
/// it would read on into the next frame. Header blocks here are a few bytes, so compressing them would buy nothing. The
/// zlib header (no preset dictionary announced) goes before the first block only.
/// </summary>
internal sealed class SpdyHeaderCompressor
{
    private const int MaxStoredBlock = 0xFFFF;
    private bool _started;

    public byte[] Compress(ReadOnlySpan<byte> block)
    {
        using var output = new MemoryStream();
        if (!_started)
        {
            // CMF 0x78 (deflate, 32K window), FLG 0x01: no dictionary, and (0x7801 % 31) == 0 as zlib requires.
            output.Write([0x78, 0x01]);
            _started = true;
        }

        Span<byte> header = stackalloc byte[5];
        while (!block.IsEmpty)
        {
            var length = Math.Min(block.Length, MaxStoredBlock);

            // BFINAL 0, BTYPE 00 (stored), padded to the byte; then LEN and its one's complement, little-endian.
            header[0] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(header[1..], (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(header[3..], (ushort)~length);
            output.Write(header);
            output.Write(block[..length]);
            block = block[length..];
        }

        output.Write([0x00, 0x00, 0x00, 0xFF, 0xFF]);
        return output.ToArray();
    }
}
