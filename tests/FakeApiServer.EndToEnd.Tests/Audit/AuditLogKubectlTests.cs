using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Testing;
using k8s;
using Json.Schema;

namespace FakeApiServer.EndToEnd.Tests.Audit;

/// <summary>
/// kubectl create -f of a ConfigMap against a server auditing configmaps at RequestResponse and everything else at
/// Metadata: every line of the log is an audit.k8s.io/v1 Event by the JSON Schema written from upstream's types, and
/// the create's events hold what kube-apiserver writes for it, field by field.
/// </summary>
public sealed class AuditLogKubectlTests : IDisposable
{
    private const string Policy = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
          resources:
          - group: ""
            resources: ["configmaps"]
        - level: Metadata
        """;

    private static readonly Lazy<JsonSchema> EventSchema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Audit", "audit-event-v1.schema.json"))));

    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-audit-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_of_a_ConfigMap_writes_the_events_upstream_writes(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        var policy = Path.Combine(_folder, "policy.yaml");
        var log = Path.Combine(_folder, "audit.log");
        await File.WriteAllTextAsync(policy, Policy, ct);
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, Audit = new AuditOptions { PolicyFile = policy, LogPath = log } }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n");

        var create = (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();
        Assert.Equal(["configmap/settings created"], create.Lines);

        var lines = await File.ReadAllLinesAsync(log, ct);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            var result = EventSchema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, line + "\n" + string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => d.InstanceLocation + ": " + e.Value))));
        }

        var events = lines.Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
        // kubectl's discovery and OpenAPI reads are non-resource requests: Metadata, two events each.
        Assert.Contains(events, e => ((string?)e["requestURI"])!.Split('?')[0] == "/api" && (string?)e["level"] == "Metadata" && e["objectRef"] is null);
        var creates = events.Where(e => (string?)e["verb"] == "create").ToList();
        Assert.Equal(["RequestReceived", "ResponseComplete"], creates.Select(e => (string?)e["stage"]));
        var (received, complete) = (creates[0], creates[1]);
        Assert.Equal((string?)received["auditID"], (string?)complete["auditID"]);
        foreach (var e in creates)
        {
            Assert.Equal("RequestResponse", (string?)e["level"]);
            Assert.Equal("/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", (string?)e["requestURI"]);
            Assert.Equal("""{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]}""", e["user"]!.ToJsonString());
            Assert.Equal("""["127.0.0.1"]""", e["sourceIPs"]!.ToJsonString());
            // kubectl names itself after its binary (kubectl.1.33 here).
            Assert.Matches($@"^kubectl[^/]*/v{System.Text.RegularExpressions.Regex.Escape(version)}\.[0-9]+ \(", (string?)e["userAgent"]);
            Assert.Equal((string?)received["requestReceivedTimestamp"], (string?)e["requestReceivedTimestamp"]);
        }

        // RequestReceived: what the path says, nothing of the body or the answer yet.
        Assert.Equal("""{"resource":"configmaps","namespace":"default","apiVersion":"v1"}""", received["objectRef"]!.ToJsonString());
        Assert.Equal((string?)received["requestReceivedTimestamp"], (string?)received["stageTimestamp"]);
        Assert.Equal(
            ["kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "userAgent", "objectRef", "requestReceivedTimestamp", "stageTimestamp"],
            received.Select(p => p.Key));

        // ResponseComplete: the name from the body, the code, both objects, authorization's annotations.
        Assert.Equal("""{"resource":"configmaps","namespace":"default","name":"settings","apiVersion":"v1"}""", complete["objectRef"]!.ToJsonString());
        Assert.Equal("""{"metadata":{},"code":201}""", complete["responseStatus"]!.ToJsonString());
        Assert.Equal("""{"color":"blue"}""", complete["requestObject"]!["data"]!.ToJsonString());
        Assert.Equal("settings", (string?)complete["requestObject"]!["metadata"]!["name"]);
        Assert.Null(complete["requestObject"]!["metadata"]!["uid"]);
        var stored = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "default", cancellationToken: ct);
        Assert.Equal(stored.Metadata.Uid, (string?)complete["responseObject"]!["metadata"]!["uid"]);
        Assert.Equal(stored.Metadata.ResourceVersion, (string?)complete["responseObject"]!["metadata"]!["resourceVersion"]);
        Assert.Equal("ConfigMap", (string?)complete["responseObject"]!["kind"]);
        Assert.Equal("""{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}""", complete["annotations"]!.ToJsonString());
        Assert.True(string.CompareOrdinal((string?)complete["stageTimestamp"], (string?)complete["requestReceivedTimestamp"]) >= 0);
        Assert.Equal(
            ["kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "userAgent", "objectRef", "responseStatus", "requestObject", "responseObject", "requestReceivedTimestamp", "stageTimestamp", "annotations"],
            complete.Select(p => p.Key));
    }
}
