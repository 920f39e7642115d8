using FakeApiServer.Api.Streaming.Spdy;

namespace FakeApiServer.Tests.Api.Streaming;

/// <summary>SPDY/3.1 framing and header compression: the frames kubectl's spdystream writes, and what it can read back.</summary>
public sealed class SpdyFramerTests
{
    /// <summary>Two header blocks as zlib writes them with the SPDY/3 dictionary and a sync flush after each (Go's framer does so).</summary>
    private const string FirstClientBlock = "78f9e3c6a7c202a62346703a2b294a4dcc851625aca9a08006000000ffff";
    private const string SecondClientBlock = "02651c0c2960624ec90797d1c022bb084433591800000000ffff";

    [Fact]
    public void The_dictionary_is_the_one_spdy3_names()
    {
        Assert.Equal(1423, SpdyDictionary.Bytes.Length);
        var adler = new ICSharpCode.SharpZipLib.Checksum.Adler32();
        adler.Update(SpdyDictionary.Bytes);
        Assert.Equal(SpdyDictionary.Adler32, (uint)adler.Value);
    }

    [Fact]
    public async Task Reads_syn_streams_whose_headers_refer_to_the_dictionary_and_to_earlier_blocks()
    {
        var framer = new SpdyFramer();
        using var input = new MemoryStream([.. SynStream(1, Convert.FromHexString(FirstClientBlock)), .. SynStream(3, Convert.FromHexString(SecondClientBlock))]);

        var first = await framer.ReadAsync(input, CancellationToken.None);
        var second = await framer.ReadAsync(input, CancellationToken.None);

        Assert.Equal((SpdyFrameType.SynStream, 1u, "error"), (first!.Type, first.StreamId, first.Header("streamtype")));
        Assert.Equal((SpdyFrameType.SynStream, 3u, "stdout", "80"), (second!.Type, second.StreamId, second.Header("streamtype"), second.Header("port")));
        Assert.Null(await framer.ReadAsync(input, CancellationToken.None));
    }

    [Fact]
    public async Task Header_blocks_written_round_trip_through_a_fresh_reader()
    {
        var writer = new SpdyFramer();
        var reader = new SpdyFramer();
        var reply = new SpdyFrame(SpdyFrameType.SynReply, 0, 5) { Headers = [new("x-a", "1"), new("x-a", "2"), new("x-b", "")] };
        var headers = new SpdyFrame(SpdyFrameType.Headers, SpdyFrame.FlagFin, 7) { Headers = [new("x-c", new string('c', 70_000))] };
        using var stream = new MemoryStream([.. writer.Encode(reply), .. writer.Encode(headers)]);

        var readReply = await reader.ReadAsync(stream, CancellationToken.None);
        var readHeaders = await reader.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(reply.Headers, readReply!.Headers);
        Assert.Equal(5u, readReply.StreamId);
        Assert.Equal(headers.Headers, readHeaders!.Headers);
        Assert.True(readHeaders.Fin);
    }

    [Fact]
    public void Each_written_header_block_ends_with_a_sync_flush_marker_so_go_readers_stop_at_the_frame_end()
    {
        var compressor = new SpdyHeaderCompressor();

        var first = compressor.Compress([0, 0, 0, 0]);
        var second = compressor.Compress([0, 0, 0, 0]);

        Assert.Equal("7801000400FBFF00000000000000FFFF", Convert.ToHexString(first));
        Assert.Equal("000400FBFF00000000000000FFFF", Convert.ToHexString(second));
    }

    [Fact]
    public async Task Connection_level_and_data_frames_round_trip()
    {
        var framer = new SpdyFramer();
        SpdyFrame[] frames =
        [
            new(SpdyFrameType.Data, SpdyFrame.FlagFin, 9) { Data = new byte[] { 1, 2, 3 } },
            new(SpdyFrameType.Ping, 0, 0) { Value = 7 },
            new(SpdyFrameType.RstStream, 0, 3) { Value = SpdyStatus.Cancel },
            new(SpdyFrameType.GoAway, 0, 11) { Value = 0 },
            new(SpdyFrameType.WindowUpdate, 0, 1) { Value = 65536 },
            new(SpdyFrameType.Settings, 0, 0) { Settings = [(7, 65536)] },
        ];
        using var stream = new MemoryStream(frames.SelectMany(framer.Encode).ToArray());

        foreach (var frame in frames)
        {
            var read = await framer.ReadAsync(stream, CancellationToken.None);
            Assert.Equal((frame.Type, frame.Flags, frame.StreamId, frame.Value), (read!.Type, read.Flags, read.StreamId, read.Value));
            Assert.Equal(frame.Data.ToArray(), read.Data.ToArray());
            Assert.Equal(frame.Settings, read.Settings);
        }
    }

    [Fact]
    public async Task A_frame_of_another_spdy_version_is_refused()
    {
        using var stream = new MemoryStream([0x80, 0x02, 0x00, 0x06, 0, 0, 0, 4, 0, 0, 0, 1]);

        await Assert.ThrowsAsync<InvalidDataException>(() => new SpdyFramer().ReadAsync(stream, CancellationToken.None));
    }

    private static byte[] SynStream(uint id, byte[] block)
    {
        var length = 10 + block.Length;
        byte[] head = [0x80, 0x03, 0x00, 0x01, 0x00, (byte)(length >> 16), (byte)(length >> 8), (byte)length];
        byte[] fields = [(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, 0, 0, 0, 0, 0, 0];
        return [.. head, .. fields, .. block];
    }
}
