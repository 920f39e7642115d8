using System.Buffers;

namespace FakeApiServer.Registry;

/// <summary>
/// A growable byte buffer over arrays rented from <see cref="ArrayPool{T}.Shared"/>, for serializing an object whose
/// bytes are then copied out once (<c>WrittenSpan.ToArray()</c>): the scratch space is reused across writes instead of
/// allocated, and grown, for each.
/// </summary>
internal sealed class PooledByteBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    public PooledByteBuffer(int initialCapacity) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> more bytes after the first <paramref name="length"/> of a rented
    /// <paramref name="array"/>: a rented array at least twice as large takes its bytes, and the old one goes back.
    /// </summary>
    public static void EnsureCapacity(ref byte[] array, int length, int count)
    {
        if (array.Length - length >= count)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, length + count));
        array.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(array);
        array = larger;
    }

    private void Reserve(int sizeHint) => EnsureCapacity(ref _array, _written, Math.Max(sizeHint, 1));
}
