namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// A container's output through a terminal (an exec or attach with a tty): each LF goes out as CR LF, as the tty's
/// onlcr setting makes it, so a raw-mode client's screen shows lines from their start.
/// </summary>
internal sealed class TerminalOutput(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(Translate(buffer.AsSpan(offset, count)));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        await inner.WriteAsync(Translate(buffer.Span), cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private static byte[] Translate(ReadOnlySpan<byte> bytes)
    {
        var output = new List<byte>(bytes.Length + 16);
        var previous = (byte)0;
        foreach (var b in bytes)
        {
            if (b == (byte)'\n' && previous != (byte)'\r')
            {
                output.Add((byte)'\r');
            }

            output.Add(b);
            previous = b;
        }

        return [.. output];
    }
}
