using System.Buffers;
using System.IO.Pipelines;
using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// One client reading a newline-delimited JSON event stream (a Kubernetes watch or the bare fan-out ceiling): counts
/// events, checks that resourceVersions only grow, and records each event's latency from the writer's sent timestamp.
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
    public static async Task<EventWatcher> OpenAsync(HttpClient http, string path, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
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
    public static async Task<List<EventWatcher>> OpenManyAsync(HttpClient http, string path, int count, TimeProvider time, CancellationToken cancellationToken)
    {
        var watchers = new EventWatcher[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) => watchers[i] = await OpenAsync(http, path, time, ct));
        return [.. watchers];
    }

    /// <summary>Waits until every watcher received <paramref name="count"/> events, or the timeout passed.</summary>
    public static async Task<bool> WaitForAllAsync(IReadOnlyList<EventWatcher> watchers, long count, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var until = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (watchers.Any(w => w.Received < count && !w.Completion.IsCompleted))
        {
            if (time.GetTimestamp() > until)
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
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(token);
                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
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

        var rv = JsonScan.ResourceVersion(line);
        if (rv <= _lastResourceVersion)
        {
            OutOfOrder++;
        }

        _lastResourceVersion = Math.Max(rv, _lastResourceVersion);
        var sent = JsonScan.Sent(line);
        if (sent > 0)
        {
            Harness.Latency.Record(Latency, _time, sent, now);
        }

        Interlocked.Increment(ref _received);
    }
}
