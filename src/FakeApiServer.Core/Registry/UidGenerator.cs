using System.Security.Cryptography;

namespace FakeApiServer.Registry;

/// <summary>
/// metadata.uid of created objects: random (version 4, RFC 4122 variant) UUIDs from the OS's cryptographic generator,
/// as Guid.NewGuid and upstream's uuid.NewUUID make them, but read 4 KiB at a time rather than with one getrandom
/// system call per uid (~1% of a create's CPU, issue 20).
/// </summary>
internal sealed class UidGenerator
{
    private const int UidBytes = 16;
    private const int BufferedUids = 256;

    private readonly Lock _lock = new();
    private byte[]? _random;
    private int _next = BufferedUids;

    /// <summary>A new uid in its canonical form (<c>xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx</c>).</summary>
    public string NewUid()
    {
        Span<byte> bytes = stackalloc byte[UidBytes];
        lock (_lock)
        {
            // Made on the first create, so a resource nobody creates costs nothing.
            _random ??= new byte[BufferedUids * UidBytes];
            if (_next == BufferedUids)
            {
                RandomNumberGenerator.Fill(_random);
                _next = 0;
            }

            var taken = _random.AsSpan(_next * UidBytes, UidBytes);
            taken.CopyTo(bytes);
            taken.Clear();
            _next++;
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
