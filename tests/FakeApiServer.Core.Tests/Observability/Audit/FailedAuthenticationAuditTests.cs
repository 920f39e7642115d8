using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Tls;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security.Authentication;

namespace FakeApiServer.Tests.Observability.Audit;

/// <summary>The audit of requests that fail authentication (upstream's WithFailedAuthenticationAudit): one event at ResponseStarted, with no user.</summary>
public sealed class FailedAuthenticationAuditTests : IDisposable
{
    // The rules naming a user or a group must not match a request that has no user; the last rule does.
    private const string Policy = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          users: ["alice"]
        - level: None
          userGroups: ["system:unauthenticated", "system:authenticated"]
        - level: RequestResponse
          resources:
          - group: ""
            resources: ["namespaces"]
        - level: Metadata
          omitStages: ["ResponseStarted"]
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-authn-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string LogPath => Path.Combine(_folder, "audit.log");

    private async Task<SecuredServer> StartAsync(CancellationToken cancellationToken)
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        await File.WriteAllTextAsync(policy, Policy, cancellationToken);
        return await SecuredServer.StartAsync(
            SecuredServer.Options() with
            {
                Tls = new TlsOptions { Enabled = true },
                Authentication = new AuthenticationOptions { TokenAuthFile = SecuredServer.TokenFile("good,alice,1") },
                Audit = new AuditOptions { PolicyFile = policy, LogPath = LogPath },
            },
            cancellationToken);
    }

    private List<JsonObject> Events(string auditId) =>
        [.. File.ReadAllLines(LogPath).Select(l => (JsonObject)JsonNode.Parse(l)!).Where(e => (string?)e["auditID"] == auditId)];

    [Fact]
    public async Task A_wrong_token_writes_one_ResponseStarted_event_with_no_user_and_the_Unauthorized_status()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(ct);
        using var http = server.Client(token: "wrong");

        using var response = await http.GetAsync("/api/v1/namespaces?limit=5", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var auditId = response.Headers.GetValues("Audit-Id").Single();
        // Written before the 401 went.
        var only = Assert.Single(Events(auditId));
        Assert.Equal("ResponseStarted", (string?)only["stage"]);
        Assert.Equal("RequestResponse", (string?)only["level"]);
        Assert.Equal("list", (string?)only["verb"]);
        Assert.Equal("/api/v1/namespaces?limit=5", (string?)only["requestURI"]);
        Assert.Equal("{}", only["user"]!.ToJsonString());
        Assert.Equal("""{"resource":"namespaces","apiVersion":"v1"}""", only["objectRef"]!.ToJsonString());
        Assert.Equal("""{"metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""", only["responseStatus"]!.ToJsonString());
        Assert.Equal("Status", (string?)only["responseObject"]!["kind"]);
        Assert.Equal(401, (int?)only["responseObject"]!["code"]);
        Assert.Null(only["requestObject"]);
        Assert.Null(only["annotations"]);
        Assert.Equal(
            ["kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs", "objectRef", "responseStatus", "responseObject", "requestReceivedTimestamp", "stageTimestamp"],
            only.Select(p => p.Key).Where(k => k != "userAgent"));
    }

    [Fact]
    public async Task A_policy_omitting_ResponseStarted_writes_nothing_for_a_401_and_user_rules_still_match_authenticated_requests()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(ct);
        using var wrong = server.Client(token: "wrong");
        using var good = server.Client(token: "good");

        using var refused = await wrong.GetAsync("/api/v1/namespaces/default/configmaps", ct);
        using var served = await good.GetAsync("/api/v1/namespaces/default/configmaps", ct);
        using var logged = await wrong.GetAsync("/api/v1/namespaces", ct);

        Assert.Single(Events(logged.Headers.GetValues("Audit-Id").Single()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(Events(refused.Headers.GetValues("Audit-Id").Single()));
        // alice's own requests match her None rule.
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Empty(Events(served.Headers.GetValues("Audit-Id").Single()));
    }
}
