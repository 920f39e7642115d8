using System.Buffers.Binary;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// Reads and writes SPDY/3.1 frames (section 2.2): a control frame starts with the control bit, version 3 and its type,
/// a data frame with its stream id; then 8 bits of flags and a 24-bit length. Each direction's header blocks share one
/// compression context, so one framer serves one connection: reads in the order the peer wrote, writes in the order sent.
/// </summary>
internal sealed class SpdyFramer
{
    private readonly SpdyHeaderCompressor _compressor = new();
    private readonly SpdyHeaderDecompressor _decompressor = new();

    /// <summary>The next frame from <paramref name="input"/>, or null at the end of the stream between frames.</summary>
    public async Task<SpdyFrame?> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        var head = new byte[8];
        var first = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (first == 0)
        {
            return null;
        }

        if (first < head.Length)
        {
            throw new EndOfStreamException("SPDY connection ended inside a frame header");
        }

        var word = BinaryPrimitives.ReadUInt32BigEndian(head);
        var flags = head[4];
        var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4)) & 0xFFFFFF);
        var payload = new byte[length];
        await input.ReadExactlyAsync(payload, cancellationToken);
        if ((word & 0x80000000) == 0)
        {
            return new SpdyFrame(SpdyFrameType.Data, flags, word & 0x7FFFFFFF) { Data = payload };
        }

        var version = (word >> 16) & 0x7FFF;
        if (version != SpdyFrame.Version)
        {
            throw new InvalidDataException($"unsupported SPDY version {version}");
        }

        return ParseControl((SpdyFrameType)(word & 0xFFFF), flags, payload);
    }

    /// <summary>The bytes of <paramref name="frame"/>; frames with header blocks must be encoded in the order they are sent.</summary>
    public byte[] Encode(SpdyFrame frame)
    {
        var payload = frame.Type switch
        {
            SpdyFrameType.Data => frame.Data.ToArray(),
            SpdyFrameType.SynStream => [.. Numbers(frame.StreamId & 0x7FFFFFFF, frame.Value & 0x7FFFFFFF), 0, 0, .. HeaderBlock(frame)],
            SpdyFrameType.SynReply or SpdyFrameType.Headers => [.. Numbers(frame.StreamId & 0x7FFFFFFF), .. HeaderBlock(frame)],
            SpdyFrameType.RstStream or SpdyFrameType.WindowUpdate => Numbers(frame.StreamId & 0x7FFFFFFF, frame.Value),
            SpdyFrameType.GoAway => Numbers(frame.StreamId & 0x7FFFFFFF, frame.Value),
            SpdyFrameType.Ping => Numbers(frame.Value),
            SpdyFrameType.Settings => [.. Numbers((uint)frame.Settings.Count), .. frame.Settings.SelectMany(s => Numbers(s.Id & 0xFFFFFF, s.Value))],
            _ => throw new ArgumentException($"cannot encode SPDY frame type {frame.Type}", nameof(frame)),
        };
        if (payload.Length > SpdyFrame.MaxLength)
        {
            throw new ArgumentException("SPDY frame payload is too long", nameof(frame));
        }

        var bytes = new byte[8 + payload.Length];
        var first = frame.Type == SpdyFrameType.Data
            ? frame.StreamId & 0x7FFFFFFF
            : 0x80000000 | ((uint)SpdyFrame.Version << 16) | (uint)frame.Type;
        BinaryPrimitives.WriteUInt32BigEndian(bytes, first);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), ((uint)frame.Flags << 24) | (uint)payload.Length);
        payload.CopyTo(bytes, 8);
        return bytes;
    }

    private SpdyFrame ParseControl(SpdyFrameType type, byte flags, byte[] payload)
    {
        var span = payload.AsSpan();
        switch (type)
        {
            case SpdyFrameType.SynStream:
                Require(span, 10, type);
                return new SpdyFrame(type, flags, Number(span, 0) & 0x7FFFFFFF)
                {
                    Value = Number(span, 4) & 0x7FFFFFFF,
                    Headers = Headers(span[10..]),
                };
            case SpdyFrameType.SynReply:
            case SpdyFrameType.Headers:
                Require(span, 4, type);
                return new SpdyFrame(type, flags, Number(span, 0) & 0x7FFFFFFF) { Headers = Headers(span[4..]) };
            case SpdyFrameType.RstStream:
            case SpdyFrameType.WindowUpdate:
            case SpdyFrameType.GoAway:
                Require(span, 8, type);
                return new SpdyFrame(type, flags, Number(span, 0) & 0x7FFFFFFF) { Value = Number(span, 4) & (type == SpdyFrameType.WindowUpdate ? 0x7FFFFFFFu : uint.MaxValue) };
            case SpdyFrameType.Ping:
                Require(span, 4, type);
                return new SpdyFrame(type, flags, 0) { Value = Number(span, 0) };
            case SpdyFrameType.Settings:
                Require(span, 4, type);
                var count = Number(span, 0);
                Require(span, 4 + (8 * (long)count), type);
                var settings = new List<(uint, uint)>();
                for (var i = 0; i < count; i++)
                {
                    settings.Add((Number(span, 4 + (8 * i)) & 0xFFFFFF, Number(span, 8 + (8 * i))));
                }

                return new SpdyFrame(type, flags, 0) { Settings = settings };
            default:
                // Unknown control frames are ignored (section 2.2.1): an empty frame of the raw type.
                return new SpdyFrame(type, flags, 0);
        }
    }

    private IReadOnlyList<KeyValuePair<string, string>> Headers(ReadOnlySpan<byte> compressed) =>
        SpdyHeaderBlock.Decode(_decompressor.Decompress(compressed));

    private byte[] HeaderBlock(SpdyFrame frame) => _compressor.Compress(SpdyHeaderBlock.Encode(frame.Headers));

    private static void Require(ReadOnlySpan<byte> payload, long length, SpdyFrameType type)
    {
        if (payload.Length < length)
        {
            throw new InvalidDataException($"SPDY {type} frame is too short");
        }
    }

    private static uint Number(ReadOnlySpan<byte> payload, int offset) => BinaryPrimitives.ReadUInt32BigEndian(payload[offset..]);

    private static byte[] Numbers(params uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
