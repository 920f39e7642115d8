using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Streaming.PortForward;
using FakeApiServer.Api.Streaming.Spdy;
using FakeApiServer.SimulatedContainers;
using FakeApiServer.Tests.Controllers.Runtime;

namespace FakeApiServer.Tests.Api.Streaming;

/// <summary>Port-forward over SPDY as the kubelet pairs streams: an error and a data stream with one requestID, within 30 s.</summary>
public sealed class SpdyPortForwardTests
{
    private static readonly ContainerTarget Web = new("default", "web", "uid-1", "", new JsonObject());

    [Fact]
    public async Task A_pair_completed_within_the_stream_creation_timeout_is_forwarded()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var time = new ManualTime();
        await using var client = new Client(time, timeout.Token);

        await client.OpenAsync(1, "error", "0");
        Assert.Equal(SpdyFrameType.SynReply, (await client.NextAsync(1)).Type);
        Assert.Equal(SpdyPortForward.StreamCreationTimeout, await time.NextTimerAsync(timeout.Token));
        time.Advance(SpdyPortForward.StreamCreationTimeout - TimeSpan.FromSeconds(1));
        await client.OpenAsync(3, "data", "0");

        Assert.Equal(
            "error forwarding port 80 to pod web, uid uid-1: failed to connect to localhost:80 inside namespace \"default\" pod \"web\": connection refused",
            await client.ErrorTextAsync(1));
    }

    [Fact]
    public async Task A_half_pair_is_dropped_after_the_stream_creation_timeout_with_an_error()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var time = new ManualTime();
        await using var client = new Client(time, timeout.Token);

        await client.OpenAsync(1, "error", "7");
        Assert.Equal(SpdyFrameType.SynReply, (await client.NextAsync(1)).Type);
        Assert.Equal(SpdyPortForward.StreamCreationTimeout, await time.NextTimerAsync(timeout.Token));
        time.Advance(SpdyPortForward.StreamCreationTimeout);

        var data = await client.NextAsync(1);
        Assert.Equal("(request=7) timed out waiting for streams", Encoding.UTF8.GetString(data.Data.Span));

        // The request ID is free again: a new pair under it is forwarded.
        await client.OpenAsync(5, "error", "7");
        await client.OpenAsync(7, "data", "7");
        Assert.StartsWith("error forwarding port 80 to pod web", await client.ErrorTextAsync(5), StringComparison.Ordinal);
    }

    /// <summary>A SPDY client over in-memory pipes to a served port-forward connection.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new();
        private readonly SpdyFramer _framer = new();
        private readonly Stream _input;
        private readonly Stream _output;
        private readonly CancellationTokenSource _stop;
        private readonly Task _serving;

        public Client(TimeProvider time, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _input = _toClient.Reader.AsStream();
            _output = _toServer.Writer.AsStream();
            var transport = new DuplexStream(_toServer.Reader.AsStream(), _toClient.Writer.AsStream());
            _serving = SpdyPortForward.ServeAsync(transport, new UnscriptedContainerRuntime(), Web, time, _stop.Token);
        }

        public async Task OpenAsync(uint id, string type, string requestId)
        {
            var frame = new SpdyFrame(SpdyFrameType.SynStream, 0, id) { Headers = [new("port", "80"), new("requestid", requestId), new("streamtype", type)] };
            await _output.WriteAsync(_framer.Encode(frame), _stop.Token);
            await _output.FlushAsync(_stop.Token);
        }

        /// <summary>The next frame on stream <paramref name="id"/> (frames of other streams and of the connection are skipped).</summary>
        public async Task<SpdyFrame> NextAsync(uint id)
        {
            while (true)
            {
                var frame = await _framer.ReadAsync(_input, _stop.Token) ?? throw new EndOfStreamException("the server closed the connection");
                if (frame.StreamId == id && frame.Type is SpdyFrameType.SynReply or SpdyFrameType.Data)
                {
                    return frame;
                }
            }
        }

        /// <summary>What the error stream <paramref name="id"/> says before it ends.</summary>
        public async Task<string> ErrorTextAsync(uint id)
        {
            var text = new StringBuilder();
            while (true)
            {
                var frame = await NextAsync(id);
                text.Append(Encoding.UTF8.GetString(frame.Data.Span));
                if (frame.Fin)
                {
                    return text.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _toServer.Writer.CompleteAsync();
            try
            {
                await _serving;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }
    }

    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
