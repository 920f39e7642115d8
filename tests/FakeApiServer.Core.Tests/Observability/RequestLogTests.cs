using FakeApiServer.Observability;
using FakeApiServer.Testing;
using k8s;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Tests.Observability;

/// <summary>The request log: a line per request with --request-log, watches at start and end, Debug lines otherwise.</summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task Each_request_is_one_Information_line_with_its_status_latency_and_audit_id_and_a_watch_has_two()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        using var log = new CapturedLog();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { RequestLog = true, LoggerProvider = log }, ct);
        using var http = cluster.CreateHttpClient();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldManager=me"))
        {
            request.Headers.Add("Audit-ID", "create-1");
            request.Headers.UserAgent.ParseAdd("log-test/1.0");
            request.Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}""", System.Text.Encoding.UTF8, "application/json");
            using var created = await http.SendAsync(request, ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true"))
        {
            request.Headers.Add("Audit-ID", "watch-1");
            using var watch = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(ct));
            Assert.Contains("\"ADDED\"", await reader.ReadLineAsync(ct), StringComparison.Ordinal);
        }

        var create = await log.WaitForAsync(l => l.Values.TryGetValue("AuditId", out var id) && "create-1".Equals(id) && l.EventId == 1100, ct);
        var watchStarted = await log.WaitForAsync(l => l.EventId == 1101, ct);
        var watchEnded = await log.WaitForAsync(l => l.EventId == 1102, ct);

        Assert.Equal((RequestLog.Category, LogLevel.Information), (create.Category, create.Level));
        Assert.Equal(
            "create|/api/v1/namespaces/default/configmaps?fieldManager=me|configmaps|system:unsecured|log-test/1.0|201",
            string.Join('|', new[] { "Verb", "Uri", "Resource", "User", "UserAgent", "StatusCode" }.Select(k => create.Values[k])));
        Assert.IsType<double>(create.Values["LatencyMilliseconds"]);
        Assert.Matches(
            "^HTTP verb=create URI=/api/v1/namespaces/default/configmaps\\?fieldManager=me resource=configmaps user=system:unsecured userAgent=\"log-test/1.0\" status=201 latency=[0-9.]+ms auditID=create-1$",
            create.Message);
        Assert.Equal(
            "watch|watch-1|/api/v1/namespaces/default/configmaps?watch=true",
            string.Join('|', new[] { "Verb", "AuditId", "Uri" }.Select(k => watchStarted.Values[k])));
        Assert.Equal("watch-1|200|1", string.Join('|', new[] { "AuditId", "StatusCode", "Events" }.Select(k => watchEnded.Values[k])));
        Assert.Matches("^WATCH ended verb=watch URI=.* status=200 latency=[0-9.]+ms events=1 auditID=watch-1$", watchEnded.Message);
    }

    [Fact]
    public async Task Without_the_switch_request_lines_are_Debug_and_a_Warning_server_logs_none()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        using var log = new CapturedLog();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { LoggerProvider = log }, ct);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = cluster.Requests.Subscribe(new OnCompleted(() => answered.TrySetResult()));

        await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await answered.Task.WaitAsync(ct);

        Assert.DoesNotContain(log.Lines, l => l.Category == RequestLog.Category);
    }

    [Fact]
    public void A_line_is_written_at_the_level_given_and_not_below_the_logger_minimum()
    {
        using var provider = new CapturedLog();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        Assert.True(new RequestLog(factory.CreateLogger(RequestLog.Category), LogLevel.Debug).IsEnabled);
        using var quiet = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(provider));
        Assert.False(new RequestLog(quiet.CreateLogger(RequestLog.Category), LogLevel.Debug).IsEnabled);
    }

    private sealed class OnCompleted(Action completed) : IRequestObserver
    {
        void IRequestObserver.OnCompleted(CompletedRequest request) => completed();
    }
}
