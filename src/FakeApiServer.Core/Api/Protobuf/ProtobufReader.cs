namespace FakeApiServer.Api.Protobuf;

/// <summary>Reads protocol buffer wire format: tags, varints, fixed and length-delimited values. Malformed input throws <see cref="ProtobufFormatException"/>.</summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var number = tag >> 3;
        if (number == 0 || number > int.MaxValue)
        {
            throw new ProtobufFormatException($"illegal field number {number} (tag {tag})");
        }

        return ((int)number, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtobufFormatException("truncated varint: the message ends inside a number");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new ProtobufFormatException("varint longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtobufFormatException($"length {length} runs past the end of the message ({_data.Length - _position} bytes left)");
        }

        var value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Take(8);
                break;
            case 2:
                ReadLengthDelimited();
                break;
            case 5:
                Take(4);
                break;
            default:
                throw new ProtobufFormatException("unsupported wire type " + wireType);
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new ProtobufFormatException("truncated fixed-size value");
        }

        var value = _data.Slice(_position, count);
        _position += count;
        return value;
    }
}
