using System.Buffers;

namespace FakeApiServer.Testing.Recording;

/// <summary>
/// The bytes of one request or response body as they went through, up to <see cref="Limit"/> (what is beyond is
/// counted, not kept). Written by one request at a time.
/// </summary>
internal sealed class CapturedBody
{
    /// <summary>The most bytes kept of one body (a recording must not hold a whole watch stream or a large copy).</summary>
    public const int Limit = 1 << 20;

    private readonly ArrayBufferWriter<byte> _bytes = new();

    /// <summary>The bytes seen, including those not kept.</summary>
    public long Length { get; private set; }

    /// <summary>Whether bytes were dropped for the limit.</summary>
    public bool Truncated => Length > _bytes.WrittenCount;

    public void Append(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        var room = Limit - _bytes.WrittenCount;
        if (room > 0)
        {
            _bytes.Write(data[..Math.Min(room, data.Length)]);
        }
    }

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();
}
