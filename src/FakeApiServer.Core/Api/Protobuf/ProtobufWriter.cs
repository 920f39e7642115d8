using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Writes protocol buffer wire format into one pooled, growing buffer. A nested message's length is not known before
/// its content, so <see cref="BeginLengthDelimited"/> reserves one byte for it and <see cref="EndLengthDelimited"/>
/// moves the content right in the rare case (content of 128 bytes or more) that the length needs more.
/// </summary>
internal sealed class ProtobufWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public ProtobufWriter(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        var buffer = _buffer;
        var i = _length;
        while (value >= 0x80)
        {
            buffer[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[i++] = (byte)value;
        _length = i;
    }

    public void WriteTag(uint tag)
    {
        if (tag < 0x80)
        {
            Ensure(1);
            _buffer[_length++] = (byte)tag;
        }
        else
        {
            WriteVarint(tag);
        }
    }

    /// <summary>A signed number as Go writes int32 and int64: two's complement, so a negative one takes 10 bytes.</summary>
    public void WriteSigned(long value) => WriteVarint((ulong)value);

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Reserves the length byte of a nested message; pass the result to <see cref="EndLengthDelimited"/>.</summary>
    public int BeginLengthDelimited()
    {
        Ensure(1);
        _length++;
        return _length;
    }

    public void EndLengthDelimited(int start)
    {
        var length = _length - start;
        if (length < 0x80)
        {
            _buffer[start - 1] = (byte)length;
            return;
        }

        var size = VarintSize((ulong)length);
        Ensure(size - 1);
        _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(start + size - 1));
        var i = start - 1;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _buffer[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[i] = (byte)value;
        _length += size - 1;
    }

    public void Clear() => _length = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private void Ensure(int count) => Registry.PooledByteBuffer.EnsureCapacity(ref _buffer, _length, count);
}
