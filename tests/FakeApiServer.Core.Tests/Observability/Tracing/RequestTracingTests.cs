using System.Diagnostics;
using System.Text;
using FakeApiServer.Observability.Tracing;
using FakeApiServer.Storage;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Admission;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FakeApiServer.Tests.Observability.Tracing;

public sealed class RequestTracingTests
{
    [Fact]
    public async Task A_create_is_one_trace_under_the_clients_span_down_to_the_storage_commit_and_the_webhook_gets_its_context()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        // Tracer providers listen process-wide: other tests' spans are told apart by the trace ID this test sends.
        var exported = new LockedList();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(ApiServerTracing.SourceName, StorageTracing.SourceName)
            .AddInMemoryExporter(exported)
            .Build();
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Allow(), ct);
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var http = cluster.CreateHttpClient();
        using (var configure = await http.PostAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", Json(
            $$"""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"check"},"webhooks":[{"name":"check.example.com","clientConfig":{"url":"{{webhook.Url()}}","caBundle":"{{Convert.ToBase64String(webhook.CaBundle)}}"},"rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],"sideEffects":"None","admissionReviewVersions":["v1"]}]}"""), ct))
        {
            Assert.True(configure.IsSuccessStatusCode, await configure.Content.ReadAsStringAsync(ct));
        }

        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps")
        {
            Content = Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"traced"},"data":{"a":"1"}}"""),
        };
        create.Headers.Add("traceparent", $"00-{traceId}-{clientSpan}-01");
        using var response = await http.SendAsync(create, ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        provider.ForceFlush();

        var spans = exported.Snapshot().Where(s => s.TraceId == traceId).ToList();
        var request = Assert.Single(spans, s => s.DisplayName == "POST /api/v1/namespaces/{:namespace}/configmaps");
        Assert.Equal(clientSpan, request.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal(201, request.GetTagItem("http.status_code"));
        Assert.Equal(response.Headers.GetValues("Audit-Id").Single(), request.GetTagItem("audit-id"));
        Assert.Equal(request.SpanId, Assert.Single(spans, s => s.DisplayName == "authentication").ParentSpanId);
        Assert.Equal(request.SpanId, Assert.Single(spans, s => s.DisplayName == "authorization").ParentSpanId);
        var registry = Assert.Single(spans, s => s.DisplayName == "Create");
        Assert.Equal(request.SpanId, registry.ParentSpanId);
        Assert.Equal("configmaps", registry.GetTagItem("resource"));
        Assert.Equal("traced", registry.GetTagItem("name"));
        var admission = spans.Where(s => s.DisplayName.StartsWith("Admission ", StringComparison.Ordinal)).ToList();
        Assert.Contains(admission, s => s.DisplayName == "Admission NamespaceLifecycle" && (string?)s.GetTagItem("admission.phase") == "mutating");
        Assert.Contains(admission, s => s.DisplayName == "Admission ValidatingAdmissionWebhook" && (string?)s.GetTagItem("admission.phase") == "validating");
        Assert.All(admission, s => Assert.Equal(registry.SpanId, s.ParentSpanId));
        var call = Assert.Single(spans, s => s.DisplayName == "Call webhook");
        Assert.Equal("check.example.com", call.GetTagItem("webhook"));
        Assert.Equal(admission.Single(s => s.DisplayName == "Admission ValidatingAdmissionWebhook").SpanId, call.ParentSpanId);
        var commit = Assert.Single(spans, s => s.DisplayName == StorageTracing.CommitSpanName);
        Assert.Equal(registry.SpanId, commit.ParentSpanId);

        // The webhook was called with the webhook span's context.
        Assert.Equal($"00-{traceId}-{call.SpanId}-01", Assert.Single(webhook.TraceParents));
    }

    [Fact]
    public void Spans_are_exported_only_when_a_tracing_config_file_or_the_OTEL_variables_ask()
    {
        Assert.Null(TraceExport.Start(null, _ => null));
        Assert.True(TraceExport.AskedByEnvironment(name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4317" : null));
        Assert.True(TraceExport.AskedByEnvironment(name => name == "OTEL_TRACES_EXPORTER" ? "console,otlp" : null));
        Assert.False(TraceExport.AskedByEnvironment(name => name switch { "OTEL_EXPORTER_OTLP_ENDPOINT" => "http://collector:4317", "OTEL_SDK_DISABLED" => "true", _ => null }));
        Assert.False(TraceExport.AskedByEnvironment(name => name switch { "OTEL_EXPORTER_OTLP_ENDPOINT" => "http://collector:4317", "OTEL_TRACES_EXPORTER" => "none", _ => null }));

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: TracingConfiguration\nendpoint: 127.0.0.1:4317\nsamplingRatePerMillion: 250\n");
            Assert.Equal(new TracingConfiguration { Endpoint = "127.0.0.1:4317", SamplingRatePerMillion = 250 }, TracingConfiguration.Load(file));
            using (var provider = TraceExport.Start(file, _ => null))
            {
                Assert.NotNull(provider);
            }

            File.WriteAllText(file, "apiVersion: apiserver.config.k8s.io/v1\nkind: TracingConfiguration\nsamplingRatePerMillion: 2000000\n");
            Assert.Contains("sampling rate must be between 0 and 1000000", Assert.Throws<FormatException>(() => TracingConfiguration.Load(file)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The exporter's collection, safe to read while other tests' spans are added.</summary>
    private sealed class LockedList : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];
        private readonly Lock _lock = new();

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_lock)
            {
                return [.. _items];
            }
        }

        public void Add(Activity item)
        {
            lock (_lock)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _items.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_lock)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
