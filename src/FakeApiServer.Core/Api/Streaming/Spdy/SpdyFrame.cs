namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>The SPDY/3.1 frame types (control frames; <see cref="Data"/> stands for a data frame).</summary>
internal enum SpdyFrameType : ushort
{
    Data = 0,
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}

/// <summary>
/// One SPDY/3.1 frame as read off or written to the connection: its type, flags, stream (0 for connection-level frames)
/// and the type's fields. Header blocks are carried decoded (<see cref="Headers"/>); the connection's compression
/// contexts encode and decode them, since a block can only be read in the order the peer wrote it.
/// </summary>
internal sealed record SpdyFrame(SpdyFrameType Type, byte Flags, uint StreamId)
{
    /// <summary>FLAG_FIN on SYN_STREAM, SYN_REPLY, HEADERS and data frames: the sender's last frame on the stream.</summary>
    public const byte FlagFin = 0x01;

    /// <summary>FLAG_UNIDIRECTIONAL on SYN_STREAM: the recipient must not send on the stream.</summary>
    public const byte FlagUnidirectional = 0x02;

    /// <summary>The largest payload a frame's 24-bit length can carry.</summary>
    public const int MaxLength = 0xFFFFFF;

    /// <summary>The protocol version every control frame names.</summary>
    public const ushort Version = 3;

    /// <summary>Data frame payload; PING's id and GOAWAY's or RST_STREAM's status are in <see cref="Value"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>SYN_STREAM, SYN_REPLY and HEADERS: the name/value block (lower-case names; repeated values in order).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// The frame's number: RST_STREAM's and GOAWAY's status code, PING's id, WINDOW_UPDATE's delta, SYN_STREAM's
    /// associated stream; for GOAWAY <see cref="StreamId"/> is the last good stream id.
    /// </summary>
    public uint Value { get; init; }

    /// <summary>SETTINGS' (id, value) pairs (flags dropped).</summary>
    public IReadOnlyList<(uint Id, uint Value)> Settings { get; init; } = [];

    public bool Fin => (Flags & FlagFin) != 0;

    /// <summary>The first value of header <paramref name="name"/> (lower-case), or null.</summary>
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Key == name).Value;
}

/// <summary>RST_STREAM status codes (SPDY/3.1 section 2.6.3).</summary>
internal static class SpdyStatus
{
    public const uint ProtocolError = 1;
    public const uint InvalidStream = 2;
    public const uint RefusedStream = 3;
    public const uint Cancel = 5;
    public const uint InternalError = 6;
}
