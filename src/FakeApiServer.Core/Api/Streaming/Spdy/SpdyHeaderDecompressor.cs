using ICSharpCode.SharpZipLib.Zip.Compression;

namespace FakeApiServer.Api.Streaming.Spdy;

/// <summary>
/// The incoming header compression context of one SPDY connection: the peer's header blocks form one zlib stream that
/// names the SPDY/3 dictionary (<see cref="SpdyDictionary"/>), each block ending in a sync flush. System.IO.Compression
/// cannot take a preset dictionary, so SharpZipLib's inflater reads it.
/// </summary>
internal sealed class SpdyHeaderDecompressor
{
    private readonly Inflater _inflater = new();
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>The uncompressed bytes of one frame's header block; throws <see cref="InvalidDataException"/> when it is not valid.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        try
        {
            _inflater.SetInput(compressed.ToArray());
            using var output = new MemoryStream();
            while (true)
            {
                var count = _inflater.Inflate(_buffer);
                if (count > 0)
                {
                    output.Write(_buffer, 0, count);
                }
                else if (_inflater.IsNeedingDictionary)
                {
                    if ((uint)_inflater.Adler != SpdyDictionary.Adler32)
                    {
                        throw new InvalidDataException("SPDY header block names an unknown zlib dictionary");
                    }

                    _inflater.SetDictionary(SpdyDictionary.Bytes);
                }
                else if (_inflater.IsNeedingInput || _inflater.IsFinished)
                {
                    return output.ToArray();
                }
            }
        }
        catch (ICSharpCode.SharpZipLib.SharpZipBaseException e)
        {
            throw new InvalidDataException("SPDY header block is not valid zlib data: " + e.Message, e);
        }
    }
}
