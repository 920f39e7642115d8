using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FakeApiServer.Registry;
using FakeApiServer.SimulatedContainers;
using FakeApiServer.Storage;
using FakeApiServer.Tests.Controllers.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Tests.SimulatedContainers;

/// <summary>
/// The container engine through the seam the transports use (<see cref="IContainerRuntime"/> with piped
/// <see cref="IContainerStreams"/>), over an in-memory store and a clock the test moves: attach output and its end,
/// interactive shells on a tty, port-forward, and the file system a restart drops.
/// </summary>
public sealed class SimulatedContainerRuntimeTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly ManualTime _time = new();
    private readonly ContainerRuleSet _rules = ContainerRuleSet.Empty;
    private RevisionedStore _store = null!;
    private SimulatedContainerRuntime _runtime = null!;

    public async Task InitializeAsync()
    {
        _store = await RevisionedStore.OpenAsync(new StoreOptions(), _time, NullLoggerFactory.Instance, CancellationToken.None);
        _runtime = new SimulatedContainerRuntime(_rules, _store, new ContainerFileSystems(_store, new PodVolumes(_store, null, _time), _time), _time, null);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Attach_writes_the_rules_output_at_its_times_echoes_stdin_and_ends_when_the_container_ends()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("attached", "containerd://run1"), WriteKind.Create, ct);
        _rules.Add(new AttachRule("greeter", ContainerMatch.Any, new ScriptedAttach(
            [new ScriptedOutput(TimeSpan.Zero, "starting\n", false), new ScriptedOutput(TimeSpan.FromSeconds(10), "ready\n", false)], EchoStdin: true).RunAsync));
        using var streams = new PipedStreams(tty: false, stdin: true);

        var attach = _runtime.AttachAsync(_runtime.ResolveContainer(pod, null), streams, ct);

        Assert.Equal("starting\n", await streams.ReadStdoutAsync("starting\n".Length, ct));
        Assert.Equal(TimeSpan.FromSeconds(10), await _time.NextTimerAsync(ct));
        await streams.WriteStdinAsync("hi\n", ct);
        Assert.Equal("hi\n", await streams.ReadStdoutAsync(3, ct));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("ready\n", await streams.ReadStdoutAsync("ready\n".Length, ct));
        Assert.False(attach.IsCompleted);

        // The container restarts: a new run, so this attach ends.
        await WritePodAsync(Pod("attached", "containerd://run2"), WriteKind.Update, ct);
        await attach.WaitAsync(ct);
    }

    [Fact]
    public async Task Attach_without_a_rule_lasts_until_the_client_leaves_or_the_pod_goes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        using var client = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var streams = new PipedStreams(tty: false, stdin: false);
        var pod = await WritePodAsync(Pod("quiet", "containerd://q"), WriteKind.Create, ct);

        var left = _runtime.AttachAsync(_runtime.ResolveContainer(pod, null), streams, client.Token);
        Assert.False(left.IsCompleted);
        await client.CancelAsync();
        await left.WaitAsync(ct);

        var gone = _runtime.AttachAsync(_runtime.ResolveContainer(pod, null), streams, ct);
        var result = await _store.WriteAsync(new WriteRequest("/core/pods/default/quiet", WriteKind.Delete, 0, revision => ObjectJson.StampAndSerialize(pod, revision)), ct);
        Assert.Equal(WriteStatus.Ok, result.Status);
        await gone.WaitAsync(ct);
    }

    [Fact]
    public async Task An_interactive_sh_on_a_tty_prompts_echoes_and_runs_each_line_until_exit()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("shell", "containerd://a"), WriteKind.Create, ct);
        using var streams = new PipedStreams(tty: true, stdin: true);

        var exec = _runtime.ExecAsync(_runtime.ResolveContainer(pod, null), ["sh"], streams, ct);
        Assert.Equal("/ # ", await streams.ReadStdoutAsync(4, ct));
        await streams.WriteStdinAsync("echo hi > /tmp/f\r", ct);
        Assert.Equal("echo hi > /tmp/f\r\n/ # ", await streams.ReadStdoutAsync("echo hi > /tmp/f\r\n/ # ".Length, ct));
        await streams.WriteStdinAsync("cat /tmp/f\r", ct);
        Assert.Equal("cat /tmp/f\r\nhi\r\n/ # ", await streams.ReadStdoutAsync("cat /tmp/f\r\nhi\r\n/ # ".Length, ct));
        await streams.WriteStdinAsync("exit 4\r", ct);

        Assert.Equal(4, await exec.WaitAsync(ct));
    }

    [Fact]
    public async Task Sh_without_a_tty_runs_each_line_of_stdin_as_it_arrives()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("lines", "containerd://a"), WriteKind.Create, ct);
        using var streams = new PipedStreams(tty: false, stdin: true);

        // The Python client's e2e test writes a line, reads its output, then writes the next: nothing may wait for stdin's end.
        var exec = _runtime.ExecAsync(_runtime.ResolveContainer(pod, null), ["/bin/sh"], streams, ct);
        await streams.WriteStdinAsync("echo test string 1\n", ct);
        Assert.Equal("test string 1\n", await streams.ReadStdoutAsync("test string 1\n".Length, ct));
        await streams.WriteStdinAsync("echo test string 2 >&2\n", ct);
        Assert.Equal("test string 2\n", await streams.ReadStderrAsync("test string 2\n".Length, ct));
        await streams.WriteStdinAsync("exit 5\n", ct);

        Assert.Equal(5, await exec.WaitAsync(ct));
    }

    [Fact]
    public async Task Gzip_in_a_pipe_compresses_what_gunzip_restores()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("zip", "containerd://a"), WriteKind.Create, ct);
        using var streams = new PipedStreams(tty: false, stdin: false);

        var status = await _runtime.ExecAsync(_runtime.ResolveContainer(pod, null), ["/bin/sh", "-c", "echo -n \"This is a test string\" | gzip"], streams, ct);
        streams.Stdout!.Close();

        Assert.Equal(0, status);
        await using var gunzip = new System.IO.Compression.GZipStream(streams.StdoutReader, System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal("This is a test string", await new StreamReader(gunzip).ReadToEndAsync(ct));
    }

    [Fact]
    public async Task Md5sum_prints_the_hash_of_a_file_the_container_wrote()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("sum", "containerd://a"), WriteKind.Create, ct);
        using var streams = new PipedStreams(tty: false, stdin: false);

        var status = await _runtime.ExecAsync(_runtime.ResolveContainer(pod, null), ["/bin/sh", "-c", "echo -n hello > /tmp/f && md5sum /tmp/f"], streams, ct);

        Assert.Equal(0, status);
        Assert.Equal("5d41402abc4b2a76b9719d911017c592  /tmp/f\n", await streams.ReadStdoutAsync(41, ct));
    }

    [Fact]
    public async Task The_containers_files_are_lost_when_it_restarts_or_its_pod_is_replaced()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("files", "containerd://first"), WriteKind.Create, ct);
        Assert.Equal(0, await ExecAsync(pod, ["sh", "-c", "echo kept > /tmp/note"], ct));
        Assert.Equal(0, await ExecAsync(pod, ["test", "-f", "/tmp/note"], ct));

        var restarted = await WritePodAsync(Pod("files", "containerd://second"), WriteKind.Update, ct);
        Assert.Equal(1, await ExecAsync(restarted, ["test", "-f", "/tmp/note"], ct));
        Assert.Equal(0, await ExecAsync(restarted, ["touch", "/tmp/note"], ct));

        var replaced = Pod("files", "containerd://second");
        replaced["metadata"]!["uid"] = "another-uid";
        replaced = await WritePodAsync(replaced, WriteKind.Update, ct);
        Assert.Equal(1, await ExecAsync(replaced, ["test", "-f", "/tmp/note"], ct));
    }

    [Fact]
    public async Task A_forwarded_port_is_proxied_to_the_rules_target_and_refused_without_a_rule()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var pod = await WritePodAsync(Pod("web", "containerd://w"), WriteKind.Create, ct);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(ct);
            var stream = client.GetStream();
            var buffer = new byte[4];
            await stream.ReadExactlyAsync(buffer, ct);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("pong:" + Encoding.UTF8.GetString(buffer)), ct);
        }, ct);
        _rules.Add(ContainerRuleParser.ParseRule(JsonNode.Parse($$$"""{"portForward":{"port":8080,"target":"127.0.0.1:{{{port}}}"}}""")!.AsObject(), "web", "spec"));
        var target = _runtime.ResolvePod(pod);
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var connection = new DuplexStream(toServer.Reader.AsStream(), fromServer.Writer.AsStream());

        var forward = _runtime.PortForwardAsync(target, 8080, connection, ct);
        await toServer.Writer.WriteAsync("ping"u8.ToArray(), ct);
        await toServer.Writer.CompleteAsync();
        await forward.WaitAsync(ct);
        await fromServer.Writer.CompleteAsync();
        Assert.Equal("pong:ping", await new StreamReader(fromServer.Reader.AsStream()).ReadToEndAsync(ct));
        await server;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _runtime.PortForwardAsync(target, 9090, Stream.Null, ct));
        Assert.Equal("failed to connect to localhost:9090 inside namespace \"default\" pod \"web\": connection refused", refused.Message);
    }

    private async Task<int> ExecAsync(JsonObject pod, IReadOnlyList<string> command, CancellationToken ct)
    {
        using var streams = new PipedStreams(tty: false, stdin: false);
        return await _runtime.ExecAsync(_runtime.ResolveContainer(pod, null), command, streams, ct);
    }

    private async Task<JsonObject> WritePodAsync(JsonObject pod, WriteKind kind, CancellationToken ct)
    {
        var key = $"/core/pods/default/{pod.Name()}";
        var result = await _store.WriteAsync(new WriteRequest(key, kind, 0, revision => ObjectJson.StampAndSerialize(pod, revision)), ct);
        Assert.Equal(WriteStatus.Ok, result.Status);
        return ObjectJson.Parse(_store.Latest.Get(key)!.Value);
    }

    private static JsonObject Pod(string name, string containerId) => JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@NAME@","namespace":"default","uid":"uid-@NAME@"},
         "spec":{"nodeName":"node-1","containers":[{"name":"main","image":"busybox"}]},
         "status":{"phase":"Running","podIP":"10.244.1.5","containerStatuses":[{"name":"main","containerID":"@RUN@","state":{"running":{}}}]}}
        """.Replace("@NAME@", name, StringComparison.Ordinal).Replace("@RUN@", containerId, StringComparison.Ordinal))!.AsObject();

    /// <summary>The streams of one exec or attach over pipes, as a transport would build them.</summary>
    private sealed class PipedStreams(bool tty, bool stdin) : IContainerStreams, IDisposable
    {
        private readonly Pipe _stdin = new();
        private readonly Pipe _stdout = new();
        private readonly Pipe _stderr = new();
        private readonly Channel<TerminalSize> _resizes = Channel.CreateUnbounded<TerminalSize>();

        public bool Tty => tty;

        public Stream? Stdin => stdin ? _stdin.Reader.AsStream() : null;

        public Stream? Stdout => _stdout.Writer.AsStream();

        public Stream? Stderr => tty ? null : _stderr.Writer.AsStream();

        public ChannelReader<TerminalSize> Resizes => _resizes.Reader;

        public async Task WriteStdinAsync(string text, CancellationToken ct) => await _stdin.Writer.WriteAsync(Encoding.UTF8.GetBytes(text), ct);

        public Task<string> ReadStdoutAsync(int bytes, CancellationToken ct) => ReadAsync(_stdout, bytes, ct);

        public Stream StdoutReader => _stdout.Reader.AsStream();

        public Task<string> ReadStderrAsync(int bytes, CancellationToken ct) => ReadAsync(_stderr, bytes, ct);

        private static async Task<string> ReadAsync(Pipe pipe, int bytes, CancellationToken ct)
        {
            var buffer = new byte[bytes];
            await pipe.Reader.AsStream().ReadExactlyAsync(buffer, ct);
            return Encoding.UTF8.GetString(buffer);
        }

        public void Dispose() => _resizes.Writer.TryComplete();
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);
    }
}
