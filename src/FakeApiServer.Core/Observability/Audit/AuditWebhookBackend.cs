using System.Net.Http.Headers;
using System.Threading.Channels;
using k8s;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// --audit-webhook-config-file: events are queued (at most the buffer size; a full queue drops new ones, as upstream's
/// buffered backend does) and POSTed as an audit.k8s.io/v1 EventList to the kubeconfig's server in batches: a batch is
/// sent when it holds the max batch size or the max wait has passed since it was begun, at most throttle-qps batches a
/// second (burst throttle-burst), each on its own (upstream's async delegate). A failed POST (no connection, 429, 5xx)
/// is tried again after the initial backoff, growing 1.5 times, five tries in all. On stop the queue is sent out.
/// </summary>
internal sealed partial class AuditWebhookBackend : IAuditBackend
{
    private const int Tries = 5;

    private readonly Channel<byte[]> _queue;
    private readonly AuditOptions _options;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send;
    private readonly Uri _server;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _sending = [];
    private readonly Task _loop;
    private double _tokens;
    private long _lastRefill;

    public AuditWebhookBackend(AuditOptions options, Uri server, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, TimeProvider time, ILogger logger)
    {
        _options = options;
        _server = server;
        _send = send;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.WebhookBatchBufferSize) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _tokens = options.WebhookBatchThrottleBurst;
        _lastRefill = time.GetTimestamp();
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public bool IsBlocking => false;

    /// <summary>The backend for a kubeconfig file: its current context's server, CA and credentials.</summary>
    public static AuditWebhookBackend FromKubeconfig(AuditOptions options, TimeProvider time, ILogger logger)
    {
        var path = options.WebhookConfigFile ?? throw new ArgumentException("no --audit-webhook-config-file", nameof(options));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        var client = new Kubernetes(config);
        return new AuditWebhookBackend(options, new Uri(config.Host), async (request, ct) =>
        {
            if (client.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, ct);
            }

            return await client.HttpClient.SendAsync(request, ct);
        }, time, logger);
    }

    public bool Process(byte[] auditEvent)
    {
        if (!_queue.Writer.TryWrite(auditEvent))
        {
            Log.Dropped(_logger);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        Task[] sending;
        lock (_lock)
        {
            sending = [.. _sending];
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(sending);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var batch = await CollectAsync();
            if (batch.Count == 0)
            {
                if (_queue.Reader.Completion.IsCompleted)
                {
                    return;
                }

                continue;
            }

            await ThrottleAsync();
            var send = SendAsync(batch);
            lock (_lock)
            {
                _sending.Add(send);
            }

            _ = send.ContinueWith(
                done =>
                {
                    lock (_lock)
                    {
                        _sending.Remove(done);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Up to the max batch size of queued events, waiting at most the max wait from now (upstream's collectEvents).</summary>
    private async Task<List<byte[]>> CollectAsync()
    {
        var batch = new List<byte[]>();
        using var wait = new CancellationTokenSource(_options.WebhookBatchMaxWait, _time);
        try
        {
            while (batch.Count < _options.WebhookBatchMaxSize)
            {
                if (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                    continue;
                }

                if (!await _queue.Reader.WaitToReadAsync(wait.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            // The batch waited long enough.
        }

        return batch;
    }

    /// <summary>A token bucket of throttle-qps tokens a second holding at most throttle-burst (upstream's flowcontrol rate limiter).</summary>
    private async Task ThrottleAsync()
    {
        var qps = _options.WebhookBatchThrottleQps;
        if (qps <= 0)
        {
            return;
        }

        while (true)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_options.WebhookBatchThrottleBurst, _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * qps));
            _lastRefill = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds((1 - _tokens) / qps), _time, CancellationToken.None);
        }
    }

    private async Task SendAsync(List<byte[]> batch)
    {
        var body = EventList(batch);
        var backoff = _options.WebhookInitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            string error;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _server) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Accept.ParseAdd("application/json, */*");
                using var response = await _send(request, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                error = $"the server responded with the status code {(int)response.StatusCode}";
                if ((int)response.StatusCode is not (429 or >= 500))
                {
                    Log.SendFailed(_logger, batch.Count, error);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }

            if (attempt == Tries || _stopping.IsCancellationRequested)
            {
                Log.SendFailed(_logger, batch.Count, error);
                return;
            }

            try
            {
                await Task.Delay(backoff, _time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping: one last try, now.
            }

            backoff *= 1.5;
        }
    }

    /// <summary>The batch as an audit.k8s.io/v1 EventList (each event as the log backend writes it).</summary>
    private static byte[] EventList(List<byte[]> batch)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["u8);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(batch[i]);
        }

        buffer.Write("]}\n"u8);
        return buffer.ToArray();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1901, Level = LogLevel.Error, Message = "Error in audit plugin 'buffered' affecting 1 audit events: audit buffer queue blocked")]
        public static partial void Dropped(ILogger logger);

        [LoggerMessage(EventId = 1902, Level = LogLevel.Error, Message = "Error in audit plugin 'webhook' affecting {Count} audit events: {Error}")]
        public static partial void SendFailed(ILogger logger, int count, string error);
    }
}
