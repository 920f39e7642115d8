using System.Globalization;
using System.Text;
using FakeApiServer.Api.Streaming.Spdy;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Api.Streaming.PortForward;

/// <summary>
/// Port-forward over SPDY (portforward.k8s.io, over an HTTP upgrade or kubectl 1.31+'s WebSocket tunnel), as the kubelet
/// serves it: for each forwarded connection the client opens an error stream and a data stream with the same requestID
/// and port headers; once both arrived the connection is handed to the runtime, whose failure is written on the error
/// stream ("error forwarding port ..."); then both streams are closed. A stream with a missing or bad port or stream type
/// is refused (RST_STREAM). A pair still missing its other half after the kubelet's stream creation timeout (30 s, on the
/// server's clock) is dropped, with "timed out waiting for streams" on its error stream.
/// </summary>
internal static class SpdyPortForward
{
    public const string Protocol = "portforward.k8s.io";

    /// <summary>How long the kubelet waits for the second stream of a pair (its DefaultStreamCreationTimeout).</summary>
    public static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);

    public static async Task ServeAsync(Stream transport, IContainerRuntime runtime, ContainerTarget target, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = new SpdyConnection(transport);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pairs = new Dictionary<string, (SpdyStream? Data, SpdyStream? Error)>(StringComparer.Ordinal);
        var forwards = new List<Task>();
        var reading = connection.RunAsync(
            async (stream, token) =>
            {
                var type = stream.Header("streamtype");
                if (!TryPort(stream.Header("port"), out var port) || type is not ("data" or "error"))
                {
                    await stream.ResetAsync(SpdyStatus.Cancel, token);
                    return;
                }

                await stream.ReplyAsync(token);
                var requestId = RequestId(stream, type);
                (SpdyStream? Data, SpdyStream? Error) pair;
                lock (pairs)
                {
                    pair = pairs.GetValueOrDefault(requestId);
                }

                if ((type == "data" ? pair.Data : pair.Error) is not null)
                {
                    var error = pair.Error ?? stream;
                    await TryWriteAsync(error, $"error processing stream for request {requestId}: {type} stream already assigned", token);
                    return;
                }

                var first = pair is (null, null);
                pair = type == "data" ? pair with { Data = stream } : pair with { Error = stream };
                lock (pairs)
                {
                    if (pair is { Data: { } data, Error: { } errors })
                    {
                        pairs.Remove(requestId);
                        forwards.Add(ForwardAsync(runtime, target, port, data, errors, ended.Token));
                        return;
                    }

                    pairs[requestId] = pair;
                    if (first)
                    {
                        forwards.Add(ExpireAsync(requestId, stream));
                    }
                }
            },
            ended.Token);
        // The kubelet's monitorStreamPair: a half pair that waited too long is dropped.
        async Task ExpireAsync(string requestId, SpdyStream first)
        {
            try
            {
                await Task.Delay(StreamCreationTimeout, time, ended.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            SpdyStream? error;
            lock (pairs)
            {
                if (!pairs.TryGetValue(requestId, out var pair) || (pair.Data ?? pair.Error) != first)
                {
                    return;
                }

                pairs.Remove(requestId);
                error = pair.Error;
            }

            if (error is not null)
            {
                await TryWriteAsync(error, $"(request={requestId}) timed out waiting for streams", ended.Token);
            }
        }

        try
        {
            await reading;
        }
        finally
        {
            StreamCancellation.TryCancel(ended);
            Task[] running;
            lock (pairs)
            {
                running = [.. forwards];
            }

            await Task.WhenAll(running);
            await connection.DisposeAsync();
        }
    }

    private static async Task ForwardAsync(IContainerRuntime runtime, ContainerTarget target, int port, SpdyStream data, SpdyStream error, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await runtime.PortForwardAsync(target, port, data.AsStream(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await TryWriteAsync(error, $"error forwarding port {port} to pod {target.Name}, uid {target.Uid}: {e.Message}", cancellationToken);
        }
        finally
        {
            data.DiscardInput();
            await TryCloseAsync(error, cancellationToken);
            await TryCloseAsync(data, cancellationToken);
        }
    }

    /// <summary>
    /// The requestID header; a client too old to send one gets upstream's guess from the stream ids (an error stream's own
    /// id, a data stream's id less two).
    /// </summary>
    private static string RequestId(SpdyStream stream, string type) =>
        stream.Header("requestid") is { Length: > 0 } id
            ? id
            : (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);

    private static bool TryPort(string? header, out int port)
    {
        port = 0;
        return ushort.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && (port = parsed) > 0;
    }

    private static async Task TryWriteAsync(SpdyStream stream, string message, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(message), cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }

    private static async Task TryCloseAsync(SpdyStream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.CloseAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone.
        }
    }
}
