using System.Text.Json.Nodes;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Observability.Audit;

/// <summary>The audit log of an in-process server: which events a request writes, and what they hold.</summary>
public sealed class AuditLogTests : IDisposable
{
    private const string Policy = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
          resources:
          - group: ""
            resources: ["configmaps"]
        - level: Request
          resources:
          - group: ""
            resources: ["pods"]
          omitStages: ["RequestReceived"]
        - level: Metadata
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string LogPath => Path.Combine(_folder, "audit.log");

    private async Task<FakeCluster> StartAsync(CancellationToken cancellationToken)
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        await File.WriteAllTextAsync(policy, Policy, cancellationToken);
        return await FakeCluster.StartAsync(new FakeClusterOptions { Audit = new AuditOptions { PolicyFile = policy, LogPath = LogPath } }, cancellationToken);
    }

    private List<JsonObject> Events(string auditId) =>
        [.. File.ReadAllLines(LogPath).Select(l => (JsonObject)JsonNode.Parse(l)!).Where(e => (string?)e["auditID"] == auditId)];

    private static string AuditId(k8s.Autorest.HttpOperationResponse response) => response.Response.Headers.GetValues("Audit-Id").Single();

    [Fact]
    public async Task A_create_writes_RequestReceived_and_ResponseComplete_before_it_is_answered()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);

        using var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapWithHttpMessagesAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["color"] = "blue&green" } },
            "default", fieldManager: "tester", cancellationToken: ct);

        // Read at once: the blocking log backend wrote ResponseComplete before the answer went.
        var events = Events(AuditId(created));
        Assert.Equal(["RequestReceived", "ResponseComplete"], events.Select(e => (string?)e["stage"]));
        var (received, complete) = (events[0], events[1]);
        Assert.Equal("RequestResponse", (string?)received["level"]);
        Assert.Equal("create", (string?)received["verb"]);
        Assert.Equal("/api/v1/namespaces/default/configmaps?fieldManager=tester", (string?)received["requestURI"]);
        Assert.Equal("""{"username":"system:unsecured","groups":["system:masters","system:authenticated"]}""", received["user"]!.ToJsonString());
        Assert.Equal("""["127.0.0.1"]""", received["sourceIPs"]!.ToJsonString());
        Assert.Equal("""{"resource":"configmaps","namespace":"default","apiVersion":"v1"}""", received["objectRef"]!.ToJsonString());
        Assert.Null(received["requestObject"]);
        Assert.Null(received["responseStatus"]);
        Assert.Equal((string?)received["requestReceivedTimestamp"], (string?)received["stageTimestamp"]);

        Assert.Equal("""{"resource":"configmaps","namespace":"default","name":"settings","apiVersion":"v1"}""", complete["objectRef"]!.ToJsonString());
        Assert.Equal("""{"metadata":{},"code":201}""", complete["responseStatus"]!.ToJsonString());
        Assert.Equal("blue&green", (string?)complete["requestObject"]!["data"]!["color"]);
        Assert.Null(complete["requestObject"]!["metadata"]!["uid"]);
        Assert.Equal(created.Body.Metadata.Uid, (string?)complete["responseObject"]!["metadata"]!["uid"]);
        Assert.Equal("""{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}""", complete["annotations"]!.ToJsonString());
        // Go's encoder escapes & < > in strings.
        Assert.Contains("blue\\u0026green", File.ReadAllText(LogPath), StringComparison.Ordinal);
        Assert.Equal(
            ["kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "userAgent", "objectRef", "responseStatus", "requestObject", "responseObject", "requestReceivedTimestamp", "stageTimestamp", "annotations"],
            complete.Select(p => p.Key));
    }

    [Fact]
    public async Task An_error_keeps_the_Status_fields_and_Metadata_has_no_bodies()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);

        var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("nope", "default", cancellationToken: ct));

        var auditId = missing.Response.Headers.Single(h => h.Key == "Audit-Id").Value.Single();
        var complete = Events(auditId).Last();
        Assert.Equal("Metadata", (string?)complete["level"]);
        var line = File.ReadAllLines(LogPath).Last(l => l.Contains(auditId, StringComparison.Ordinal));
        Assert.Contains(""","responseStatus":{"metadata":{},"status":"Failure","message":"secrets \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"secrets"},"code":404},""", line, StringComparison.Ordinal);
        Assert.Null(complete["responseObject"]);
        Assert.Null(complete["requestObject"]);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/vnd.kubernetes.protobuf")]
    public async Task A_streamed_list_at_RequestResponse_has_the_whole_list_as_its_responseObject(string accept)
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        foreach (var name in new[] { "one", "two" })
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default", cancellationToken: ct);
        }

        using var http = cluster.CreateHttpClient();
        using var asJson = await http.GetAsync("/api/v1/namespaces/default/configmaps", ct);
        var served = JsonNode.Parse(await asJson.Content.ReadAsStringAsync(ct))!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?resourceVersion=" + (string?)served["metadata"]!["resourceVersion"] + "&resourceVersionMatch=Exact");
        request.Headers.Accept.ParseAdd(accept);

        using var response = await http.SendAsync(request, ct);

        var complete = Events(response.Headers.GetValues("Audit-Id").Single()).Last();
        Assert.Equal("ResponseComplete", (string?)complete["stage"]);
        Assert.Equal("""{"metadata":{},"code":200}""", complete["responseStatus"]!.ToJsonString());
        // As upstream encodes it: the list in JSON, as a JSON client is served it, whatever this client was sent.
        Assert.Equal(served.ToJsonString(), complete["responseObject"]!.ToJsonString());
        Assert.Contains(served["items"]!.AsArray(), i => (string?)i!["metadata"]!["name"] == "two");
    }

    [Fact]
    public async Task A_list_as_a_table_has_the_Table_as_its_responseObject()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, "default", cancellationToken: ct);
        using var http = cluster.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");

        using var response = await http.SendAsync(request, ct);

        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var complete = Events(response.Headers.GetValues("Audit-Id").Single()).Last();
        Assert.Equal("Table", (string?)complete["responseObject"]!["kind"]);
        Assert.Equal(served.ToJsonString(), complete["responseObject"]!.ToJsonString());
    }

    [Fact]
    public async Task A_watch_writes_ResponseStarted_when_it_starts_and_ResponseComplete_when_it_ends()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var http = cluster.CreateHttpClient();
        var observer = new Completion();
        using var subscription = cluster.Requests.Subscribe(observer);

        string auditId;
        using (var response = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead, ct))
        {
            auditId = response.Headers.GetValues("Audit-Id").Single();
            Assert.Equal(["RequestReceived", "ResponseStarted"], Events(auditId).Select(e => (string?)e["stage"]));
            Assert.Equal("""{"metadata":{},"code":200}""", Events(auditId)[1]["responseStatus"]!.ToJsonString());
        }

        // The watch ends once the client has gone; its observers are told after its last audit event.
        await observer.WatchDone.Task.WaitAsync(ct);
        Assert.Equal(["RequestReceived", "ResponseStarted", "ResponseComplete"], Events(auditId).Select(e => (string?)e["stage"]));
    }

    [Fact]
    public async Task Pods_omit_RequestReceived_carry_the_pod_security_annotation_and_impersonation_is_recorded()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await StartAsync(ct);
        using var http = cluster.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods")
        {
            Content = new StringContent("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Impersonate-User", "jane");
        request.Headers.Add("Impersonate-Group", "developers");

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var complete = Assert.Single(Events(response.Headers.GetValues("Audit-Id").Single()));
        Assert.Equal("ResponseComplete", (string?)complete["stage"]);
        Assert.Equal("Request", (string?)complete["level"]);
        Assert.Equal("system:unsecured", (string?)complete["user"]!["username"]);
        Assert.Equal("""{"username":"jane","groups":["developers","system:authenticated"]}""", complete["impersonatedUser"]!.ToJsonString());
        Assert.Equal("privileged:latest", (string?)complete["annotations"]!["pod-security.kubernetes.io/enforce-policy"]);
        Assert.NotNull(complete["requestObject"]);
        Assert.Null(complete["responseObject"]);
    }

    private sealed class Completion : FakeApiServer.Observability.IRequestObserver
    {
        public TaskCompletionSource WatchDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnCompleted(FakeApiServer.Observability.CompletedRequest request)
        {
            if (request.Verb == "watch")
            {
                WatchDone.TrySetResult();
            }
        }
    }
}
