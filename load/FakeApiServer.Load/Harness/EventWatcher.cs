using System.Buffers;
using System.IO.Pipelines;
using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// One client reading a newline-delimited JSON event stream (a Kubernetes watch or the bare fan-out ceiling) or a
/// protobuf watch stream (length-prefixed WatchEvent frames, when the server answers
/// application/vnd.kubernetes.protobuf;stream=watch): counts events, checks that resourceVersions only grow, and
/// records each event's latency from the writer's sent timestamp.
/// </summary>
internal sealed class EventWatcher : IAsyncDisposable
{
    private static readonly byte[] ErrorType = "\"type\":\"ERROR\""u8.ToArray();

    private readonly HttpResponseMessage _response;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop;
    private long _received;
    private long _lastResourceVersion = -1;

    private EventWatcher(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        _response = response;
        _time = time;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Completion = Task.Run(ReadAsync, CancellationToken.None);
    }

    /// <summary>Events received.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Events whose resourceVersion was not above the previous one.</summary>
    public long OutOfOrder { get; private set; }

    /// <summary>ERROR events (e.g. 410 Expired, or the server closing a slow watcher).</summary>
    public long ErrorEvents { get; private set; }

    /// <summary>Bytes received.</summary>
    public long Bytes { get; private set; }

    /// <summary>Whether the stream ended before the watcher was disposed.</summary>
    public bool EndedEarly { get; private set; }

    /// <summary>Microseconds from the writer's sent timestamp to reception, for events that carry one.</summary>
    public LongHistogram Latency { get; } = Harness.Latency.NewHistogram();

    /// <summary>The reading loop; ends when the stream ends or the watcher is disposed.</summary>
    public Task Completion { get; }

    /// <summary>Starts a streaming GET and returns once the response headers arrived (the watch is registered).</summary>
    public static async Task<EventWatcher> OpenAsync(HttpClient http, string path, TimeProvider time, CancellationToken cancellationToken, string? accept = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = HttpDriver.Get(path, accept);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new InvalidOperationException($"Watch {path} answered {(int)status}");
        }

        return new EventWatcher(response, time, cancellationToken);
    }

    /// <summary>Opens <paramref name="count"/> watchers at once.</summary>
    public static async Task<List<EventWatcher>> OpenManyAsync(HttpClient http, string path, int count, TimeProvider time, CancellationToken cancellationToken, string? accept = null)
    {
        var watchers = new EventWatcher[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) => watchers[i] = await OpenAsync(http, path, time, ct, accept));
        return [.. watchers];
    }

    /// <summary>
    /// Waits until every watcher received <paramref name="count"/> events, or until none received anything for
    /// <paramref name="stall"/>: an event that is late but still arrives (a backlog draining under overload) is counted
    /// as delivered and shows in the latency, and only events that stop coming count as missing.
    /// </summary>
    public static async Task<bool> WaitForAllAsync(IReadOnlyList<EventWatcher> watchers, long count, TimeSpan stall, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watchers);
        ArgumentNullException.ThrowIfNull(time);
        var stallTicks = (long)(stall.TotalSeconds * time.TimestampFrequency);
        var seen = -1L;
        var until = 0L;
        while (watchers.Any(w => w.Received < count && !w.Completion.IsCompleted))
        {
            var received = watchers.Sum(w => w.Received);
            var now = time.GetTimestamp();
            if (received != seen)
            {
                (seen, until) = (received, now + stallTicks);
            }
            else if (now > until)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken);
        }

        return watchers.All(w => w.Received >= count);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await Completion;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // Closing the stream ends the loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var token = _stop.Token;
        await using var stream = await _response.Content.ReadAsStreamAsync(token);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        var framed = _response.Content.Headers.ContentType?.MediaType == ProtobufScan.MediaType;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(token);
                var buffer = read.Buffer;
                while (framed && TryReadFrame(ref buffer, out var frame))
                {
                    Bytes += frame.Length + 4;
                    OnFrame(frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray());
                }

                while (!framed && TryReadLine(ref buffer, out var line))
                {
                    Bytes += line.Length + 1;
                    if (line.IsSingleSegment)
                    {
                        OnLine(line.FirstSpan);
                    }
                    else
                    {
                        OnLine(line.ToArray());
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    EndedEarly = !token.IsCancellationRequested;
                    return;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    /// <summary>A protobuf watch frame: a 4-byte big-endian length, then that many bytes.</summary>
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        Span<byte> prefix = stackalloc byte[4];
        if (buffer.Length < 4)
        {
            frame = default;
            return false;
        }

        buffer.Slice(0, 4).CopyTo(prefix);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (buffer.Length < 4 + length)
        {
            frame = default;
            return false;
        }

        frame = buffer.Slice(4, length);
        buffer = buffer.Slice(4 + length);
        return true;
    }

    private void OnFrame(ReadOnlySpan<byte> watchEvent)
    {
        var now = _time.GetTimestamp();
        if (ProtobufScan.IsError(watchEvent))
        {
            ErrorEvents++;
            return;
        }

        var metadata = ProtobufScan.ObjectMetadata(watchEvent);
        Record(ProtobufScan.ResourceVersion(metadata), ProtobufScan.Sent(metadata), now);
    }

    private void Record(long rv, long sent, long now)
    {
        if (rv <= _lastResourceVersion)
        {
            OutOfOrder++;
        }

        _lastResourceVersion = Math.Max(rv, _lastResourceVersion);
        if (sent > 0)
        {
            Harness.Latency.Record(Latency, _time, sent, now);
        }

        Interlocked.Increment(ref _received);
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (line.IndexOf(ErrorType) >= 0)
        {
            ErrorEvents++;
            return;
        }

        Record(JsonScan.ResourceVersion(line), JsonScan.Sent(line), now);
    }
}
