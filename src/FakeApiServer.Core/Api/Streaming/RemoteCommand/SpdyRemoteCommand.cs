using FakeApiServer.Api.Streaming.Spdy;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// exec and attach over SPDY/3.1 (kubectl up to 1.29, and later ones when WebSockets fail), as the kubelet serves them:
/// the client opens one stream per requested standard stream plus the error stream (and resize with a tty, from v3 on),
/// each marked by its streamType header; once all arrived the command runs, then stdout and stderr are closed and the
/// status goes on the error stream (JSON from v4 on, a failure's text before).
/// </summary>
internal static class SpdyRemoteCommand
{
    /// <summary>The versions served, best first (remotecommand.SupportedStreamingProtocols).</summary>
    public static readonly IReadOnlyList<string> Protocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    /// <summary>How long the client has to open its streams (remotecommand.DefaultStreamCreationTimeout).</summary>
    private static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long to let the client close the connection after the status, so nothing it has still to read is cut off.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    public static async Task ServeAsync(Stream transport, string protocol, RemoteCommandSession session, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = session.Options;
        var resizing = options.Tty && protocol is "v4.channel.k8s.io" or "v3.channel.k8s.io";
        var expected = 1 + (options.Stdin ? 1 : 0) + (options.Stdout ? 1 : 0) + (options.Stderr ? 1 : 0) + (resizing ? 1 : 0);
        var streams = new Dictionary<string, SpdyStream>(StringComparer.Ordinal);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var connection = new SpdyConnection(transport);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = connection.RunAsync(
            async (stream, token) =>
            {
                await stream.ReplyAsync(token);
                var type = stream.Header("streamtype");
                if (type is "error" or "stdin" or "stdout" or "stderr" or "resize" && !arrived.Task.IsCompleted)
                {
                    streams[type] = stream;
                    if (streams.Count == expected)
                    {
                        arrived.TrySetResult();
                    }
                }
            },
            ended.Token);
        try
        {
            await Task.WhenAny(arrived.Task, reading, Task.Delay(StreamCreationTimeout, time, ended.Token));
            if (!arrived.Task.IsCompleted || !streams.TryGetValue("error", out var error))
            {
                return;
            }

            // The client leaving ends the command, as the kubelet's context does.
            StreamCancellation.CancelWhenDone(reading, ended);
            var stdout = streams.GetValueOrDefault("stdout");
            var stderr = streams.GetValueOrDefault("stderr");
            var io = new TransportContainerStreams(
                options.Tty,
                options.Stdin ? streams.GetValueOrDefault("stdin")?.Input : null,
                options.Stdout ? stdout?.AsWriteStream() : null,
                options.Stderr ? stderr?.AsWriteStream() : null,
                TerminalResizes.Read(resizing ? streams.GetValueOrDefault("resize")?.Input : null, ended.Token));
            var status = await session.RunAsync(io, translated: false, ended.Token);

            streams.GetValueOrDefault("stdin")?.DiscardInput();
            await CloseAsync(stdout, ended.Token);
            await CloseAsync(stderr, ended.Token);
            var message = protocol == "v4.channel.k8s.io" ? status.ToJson() : status.ToText();
            if (message.Length > 0)
            {
                await error.WriteAsync(message, ended.Token);
            }

            await error.CloseAsync(ended.Token);
            await Task.WhenAny(reading, Task.Delay(CloseGrace, time, ended.Token));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            StreamCancellation.TryCancel(ended);
            await connection.DisposeAsync();
            await reading;
        }
    }

    private static async Task CloseAsync(SpdyStream? stream, CancellationToken cancellationToken)
    {
        if (stream is not null)
        {
            await stream.CloseAsync(cancellationToken);
        }
    }
}
