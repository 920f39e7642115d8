using System.Collections.Concurrent;
using System.Net;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Testing;

namespace FakeApiServer.Faults;

/// <summary>
/// Sends generated bad input (<see cref="FuzzInputGenerator"/>) to an in-process server over raw HTTP and
/// checks every answer: never a 5xx, never a dropped connection or a hang, and every 4xx body a metav1.Status
/// whose code equals the HTTP status and which has a reason. The server must answer a health check at the end.
/// A failure prints the seed and the input's index; <c>--seed</c> repeats the run.
/// </summary>
internal sealed class FuzzScenario(FaultBudget budget, int seed, TextWriter log)
{
    private const int Parallelism = 8;
    private const int MaxBodyBytes = 3 * 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    private readonly ScenarioReport _report = new("fuzz", seed);
    private readonly ConcurrentDictionary<string, long> _byStatus = new(StringComparer.Ordinal);

    /// <summary>Reads protobuf answers (a client that prefers protobuf gets its errors as a protobuf Status).</summary>
    private readonly ProtobufCodec _protobuf = ProtobufCodec.Create();

    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await using var cluster = await FakeCluster.StartAsync(cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = cluster.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var (status, _) = await KubeHttp.SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps",
            KubeHttp.Json("""{"metadata":{"name":"fuzz-target","labels":{"a":"b"}},"data":{"v":"1"}}"""), cancellationToken);
        if (status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating the fuzz target answered {(int)status}");
        }

        var next = -1L;
        var tried = 0L;
        var workers = Enumerable.Range(0, Parallelism).Select(_ => Task.Run(async () =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < budget.Count && TimeProvider.System.GetElapsedTime(started) < budget.Time)
            {
                await TryAsync(http, index, cancellationToken);
                if (Interlocked.Increment(ref tried) % 20_000 == 0)
                {
                    log.WriteLine($"fuzz: {tried} inputs tried, {_report.Failures.Count} failures");
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);

        using var health = await http.GetAsync("healthz", cancellationToken);
        if (health.StatusCode != HttpStatusCode.OK)
        {
            _report.Fail($"after the fuzzing /healthz answered {(int)health.StatusCode}");
        }

        _report.Set("inputs tried", tried);
        foreach (var (statusName, count) in _byStatus.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            _report.Set("answered " + statusName, count);
        }

        _report.Set(
            "5xx (but 504 too large RV), dropped or hung",
            _byStatus.GetValueOrDefault("5xx") - _byStatus.GetValueOrDefault("504 Too large resource version (as upstream)") + _byStatus.GetValueOrDefault("error (dropped or hung)"));
        _report.Elapsed = TimeProvider.System.GetElapsedTime(started);
        return _report;
    }

    private async Task TryAsync(HttpClient http, long index, CancellationToken cancellationToken)
    {
        var input = FuzzInputGenerator.Generate(_report.Seed, index);
        if (input.Raw is not null)
        {
            await SendRawAsync(http.BaseAddress!, input, index, cancellationToken);
            return;
        }

        // Absolute, so that a path starting with "//" stays a path and not a host.
        if (!Uri.TryCreate(http.BaseAddress + input.Path, UriKind.Absolute, out var uri))
        {
            _byStatus.AddOrUpdate("not sendable (invalid URI)", 1, (_, n) => n + 1);
            return;
        }

        using var request = new HttpRequestMessage(input.Method, uri);
        if (input.Body is not null)
        {
            request.Content = new ByteArrayContent(input.Body);
            if (!string.IsNullOrEmpty(input.ContentType))
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
            }
        }

        foreach (var (name, value) in input.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            // Headers only first: a successful watch or log follow would stream until its timeout.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            _byStatus.AddOrUpdate(code / 100 + "xx", 1, (_, n) => n + 1);
            if (code == 400 && response.Content.Headers.ContentLength == 0)
            {
                // Kestrel rejects a malformed request line (a raw space, %00 in the path) with an empty 400 before
                // any middleware runs; the API always writes a Status. Known limitation (docs/benchmarks.md):
                // kube-apiserver answers %00 with a 404 Status.
                _byStatus.AddOrUpdate("400 from Kestrel (malformed request line)", 1, (_, n) => n + 1);
            }
            else if (code >= 500)
            {
                var body = await KubeHttp.ReadBodyTextAsync(response, _protobuf, timeout.Token);
                if (code == 504 && body.Contains("Too large resource version", StringComparison.Ordinal) && KubeHttp.StatusProblem(504, body) is null)
                {
                    // kube-apiserver's answer to a read at a resourceVersion the store has not reached.
                    _byStatus.AddOrUpdate("504 Too large resource version (as upstream)", 1, (_, n) => n + 1);
                    return;
                }

                _report.Fail($"input {index} (seed {_report.Seed}) answered {code}: {Cut(body)}; {input.Describe()}");
            }
            else if (code >= 400 && input.Method != HttpMethod.Head)
            {
                var body = await KubeHttp.ReadBodyTextAsync(response, _protobuf, timeout.Token);
                if (KubeHttp.StatusProblem(code, body) is { } problem)
                {
                    _byStatus.AddOrUpdate("4xx without a proper Status", 1, (_, n) => n + 1);
                    _report.Fail($"input {index} (seed {_report.Seed}) answered {code} but {problem}: {Cut(body)}; {input.Describe()}");
                }
            }
        }
        catch (HttpRequestException) when (input.Body?.Length > MaxBodyBytes && !cancellationToken.IsCancellationRequested)
        {
            // Over the 3 MiB limit the server answers 413 and closes the connection instead of reading the rest (as
            // Go's server does), so a client still sending may see the connection end before the answer. The raw
            // lying-body inputs check that the 413 is sent.
            _byStatus.AddOrUpdate("closed while sending a body over 3 MiB", 1, (_, n) => n + 1);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _byStatus.AddOrUpdate("error (dropped or hung)", 1, (_, n) => n + 1);
            _report.Fail($"input {index} (seed {_report.Seed}) got no answer ({e.GetType().Name}: {e.Message}); {input.Describe()}");
        }
    }

    /// <summary>
    /// Sends a raw request (a body that lies about its length, a bad chunk size, a trickle) over its own connection and
    /// checks the answer, if any: never a 5xx, and a 4xx with a body is a Status. Kestrel may close such a connection
    /// without an answer or with an empty 400 for bad framing; both are counted, not failures.
    /// </summary>
    private async Task SendRawAsync(Uri server, FuzzInput input, long index, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var client = new System.Net.Sockets.TcpClient();
        var received = new MemoryStream();
        try
        {
            await client.ConnectAsync(server.Host, server.Port, timeout.Token);
            var stream = client.GetStream();
            if (input.Trickle)
            {
                for (var at = 0; at < input.Raw!.Length; at += 16)
                {
                    await stream.WriteAsync(input.Raw.AsMemory(at, Math.Min(16, input.Raw.Length - at)), timeout.Token);
                    await Task.Delay(TimeSpan.FromMilliseconds(40), timeout.Token);
                }
            }
            else
            {
                await stream.WriteAsync(input.Raw, timeout.Token);
            }

            // The end of what the client sends: the server answers and then closes.
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);

            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0 && received.Length < 1024 * 1024)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            // A reset after (or instead of) the answer: what was received is checked below.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _byStatus.AddOrUpdate("error (dropped or hung)", 1, (_, n) => n + 1);
            _report.Fail($"input {index} (seed {_report.Seed}) got no answer within {RequestTimeout.TotalSeconds} s; {input.Describe()}");
            return;
        }

        var text = System.Text.Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        if (text.Length < 12 || !text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || !int.TryParse(text.AsSpan(9, 3), out var code))
        {
            _byStatus.AddOrUpdate("raw: closed without an answer", 1, (_, n) => n + 1);
            return;
        }

        _byStatus.AddOrUpdate(code / 100 + "xx", 1, (_, n) => n + 1);
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (code >= 500)
        {
            _report.Fail($"input {index} (seed {_report.Seed}) answered {code}: {Cut(text)}; {input.Describe()}");
        }
        else if (code >= 400 && start < 0)
        {
            _byStatus.AddOrUpdate("400 from Kestrel (malformed framing)", 1, (_, n) => n + 1);
        }
        else if (code >= 400 && KubeHttp.StatusProblem(code, text[start..(end + 1)]) is { } problem)
        {
            _byStatus.AddOrUpdate("4xx without a proper Status", 1, (_, n) => n + 1);
            _report.Fail($"input {index} (seed {_report.Seed}) answered {code} but {problem}: {Cut(text)}; {input.Describe()}");
        }
    }

    private static string Cut(string text) => text.Length > 400 ? text[..400] + "..." : text;
}
