using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>
/// Admission webhooks against a real HTTPS webhook server in the test process (<see cref="TestWebhookServer"/>):
/// configurations served, rules and selectors, denials, JSONPatch, warnings, failure policies, dry-run, reinvocation,
/// clientConfig.service and caBundle checks.
/// </summary>
public sealed class WebhookApiTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static string ClientConfig(TestWebhookServer server, string path = "/") =>
        $$"""{"url":"{{server.Url(path)}}","caBundle":"{{Convert.ToBase64String(server.CaBundle)}}"}""";

    private static string Webhook(string name, string clientConfig, string extra = "", string resources = """["configmaps"]""", string operations = """["CREATE","UPDATE"]""") =>
        $$$"""{"name":"{{{name}}}","clientConfig":{{{clientConfig}}},"rules":[{"operations":{{{operations}}},"apiGroups":[""],"apiVersions":["v1"],"resources":{{{resources}}}}],"sideEffects":"None","admissionReviewVersions":["v1"]{{{extra}}}}""";

    private static async Task ConfigureAsync(HttpClient http, bool mutating, string name, CancellationToken ct, params string[] webhooks)
    {
        var kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
        using var response = await http.PostAsync($"/apis/admissionregistration.k8s.io/v1/{kind.ToLowerInvariant()}s",
            Json($$$"""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}"},"webhooks":[{{{string.Join(",", webhooks)}}}]}"""), ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    private static StringContent ConfigMap(string name, string labels = "{}") =>
        Json($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"data":{"a":"1"}}""");

    [Fact]
    public async Task Configurations_are_served_with_defaults_and_validated()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        await ConfigureAsync(http, mutating: true, "defaults", ct, Webhook("m.example.com", """{"service":{"namespace":"default","name":"hook"}}"""));
        var stored = await (await http.GetAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/defaults", ct)).ReadObjectAsync(ct);
        using var invalid = await http.PostAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", Json("""
            {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"bad"},
             "webhooks":[{"name":"short","clientConfig":{"url":"http://127.0.0.1/"},"admissionReviewVersions":["v1"],"sideEffects":"None","timeoutSeconds":31}]}
            """), ct);
        using var list = await http.GetAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", ct);

        var webhook = stored["webhooks"]![0]!;
        Assert.Equal("Fail", (string?)webhook["failurePolicy"]);
        Assert.Equal("Equivalent", (string?)webhook["matchPolicy"]);
        Assert.Equal(10, (int?)webhook["timeoutSeconds"]);
        Assert.Equal("Never", (string?)webhook["reinvocationPolicy"]);
        Assert.Equal(443, (int?)webhook["clientConfig"]!["service"]!["port"]);
        Assert.Equal("*", (string?)webhook["rules"]![0]!["scope"]);
        await invalid.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "ValidatingWebhookConfiguration.admissionregistration.k8s.io \"bad\" is invalid: [webhooks[0].name: Invalid value: \"short\": should be a domain with at least three segments separated by dots, " +
            "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds, " +
            "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]]", ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task A_webhook_sees_the_impersonated_user_and_groups_of_the_request()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Allow(), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: false, "watch-users", ct, Webhook("users.example.com", ClientConfig(webhook, "/validate")));

        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps) { Content = ConfigMap("by-alice") };
        request.Headers.Add("Impersonate-User", "alice");
        request.Headers.Add("Impersonate-Group", "devs");
        using var created = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = webhook.Requests.Last(r => (string?)r["name"] == "by-alice")["userInfo"]!;
        Assert.Equal("alice", (string?)user["username"]);
        Assert.Equal(["devs", "system:authenticated"], user["groups"]!.AsArray().Select(g => (string?)g));
    }

    [Fact]
    public async Task A_denying_validating_webhook_refuses_with_upstreams_message_and_sees_the_objects()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(
            r => (string?)r["object"]?["metadata"]?["name"] == "bad" ? TestWebhookServer.Deny("name bad is not allowed") : TestWebhookServer.Allow(), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: false, "deny", ct, Webhook("deny.example.com", ClientConfig(webhook, "/validate")));

        using var refused = await http.PostAsync(ConfigMaps, ConfigMap("bad"), ct);
        using var allowed = await http.PostAsync(ConfigMaps + "?fieldManager=tester", ConfigMap("good"), ct);
        using var updated = await http.PatchAsync(ConfigMaps + "/good", Json("""{"data":{"a":"2"}}""", "application/merge-patch+json"), ct);

        await refused.AssertStatusAsync(HttpStatusCode.Forbidden, "", "admission webhook \"deny.example.com\" denied the request: name bad is not allowed", ct);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var requests = webhook.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        var create = requests[1];
        Assert.Equal("CREATE", (string?)create["operation"]);
        Assert.Equal("good", (string?)create["name"]);
        Assert.Equal("default", (string?)create["namespace"]);
        Assert.Equal("configmaps", (string?)create["resource"]!["resource"]);
        Assert.Equal("ConfigMap", (string?)create["kind"]!["kind"]);
        // Plain http authenticates nobody: the request is system:unsecured, as kube-apiserver's former insecure port.
        Assert.Equal("system:unsecured", (string?)create["userInfo"]!["username"]);
        Assert.Equal("tester", (string?)create["options"]!["fieldManager"]);
        Assert.False((bool?)create["dryRun"]);
        Assert.Null(create["oldObject"]);
        var update = requests[2];
        Assert.Equal("UPDATE", (string?)update["operation"]);
        Assert.Equal("2", (string?)update["object"]!["data"]!["a"]);
        Assert.Equal("1", (string?)update["oldObject"]!["data"]!["a"]);
    }

    [Fact]
    public async Task A_mutating_webhook_patch_is_stored_and_its_warnings_reach_the_client()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ =>
        {
            var response = TestWebhookServer.Patch("""[{"op":"add","path":"/metadata/labels/stamped","value":"yes"}]""");
            response["warnings"] = new JsonArray("labelled by the \"stamp\" webhook");
            return response;
        }, ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: true, "stamp", ct, Webhook("stamp.example.com", ClientConfig(webhook)));

        using var created = await http.PostAsync(ConfigMaps, ConfigMap("c", """{"app":"x"}"""), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("yes", (string?)(await created.ReadObjectAsync(ct))["metadata"]!["labels"]!["stamped"]);
        Assert.Equal(["299 - \"labelled by the \\\"stamp\\\" webhook\""], created.Headers.GetValues("Warning"));
        var stored = await (await http.GetAsync(ConfigMaps + "/c", ct)).ReadObjectAsync(ct);
        Assert.Equal("yes", (string?)stored["metadata"]!["labels"]!["stamped"]);
    }

    [Fact]
    public async Task Failure_policy_fail_refuses_and_ignore_goes_on_when_the_webhook_is_down()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var dead = TestWebhookServer.DeadUrl();
        await ConfigureAsync(http, mutating: false, "down", ct,
            Webhook("fail.example.com", $$"""{"url":"{{dead}}"}""", ""","failurePolicy":"Fail","objectSelector":{"matchLabels":{"policy":"fail"}}"""),
            Webhook("ignore.example.com", $$"""{"url":"{{dead}}"}""", ""","failurePolicy":"Ignore","objectSelector":{"matchLabels":{"policy":"ignore"}}"""));

        using var failed = await http.PostAsync(ConfigMaps, ConfigMap("f", """{"policy":"fail"}"""), ct);
        using var ignored = await http.PostAsync(ConfigMaps, ConfigMap("i", """{"policy":"ignore"}"""), ct);

        var status = await failed.AssertStatusAsync(HttpStatusCode.InternalServerError, "InternalError", null, ct);
        Assert.StartsWith($"Internal error occurred: failed calling webhook \"fail.example.com\": failed to call webhook: Post \"{dead}?timeout=10s\": ",
            (string?)status["message"]);
        Assert.Equal(HttpStatusCode.Created, ignored.StatusCode);
    }

    [Fact]
    public async Task Selectors_decide_which_requests_reach_the_webhook()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Deny("no"), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync("/api/v1/namespaces", Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"guarded","labels":{"guard":"on"}}}"""), ct))
            .EnsureSuccessStatusCode();
        await ConfigureAsync(http, mutating: false, "guard", ct,
            Webhook("guard.example.com", ClientConfig(webhook), ""","namespaceSelector":{"matchExpressions":[{"key":"guard","operator":"In","values":["on"]}]},"objectSelector":{"matchExpressions":[{"key":"skip","operator":"DoesNotExist"}]}"""));

        using var outside = await http.PostAsync(ConfigMaps, ConfigMap("a"), ct);
        using var skipped = await http.PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("b", """{"skip":"true"}"""), ct);
        using var guarded = await http.PostAsync("/api/v1/namespaces/guarded/configmaps", ConfigMap("c"), ct);
        using var secret = await http.PostAsync("/api/v1/namespaces/guarded/secrets", Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, outside.StatusCode);
        Assert.Equal(HttpStatusCode.Created, skipped.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, guarded.StatusCode);
        Assert.Equal(HttpStatusCode.Created, secret.StatusCode);
        Assert.Single(webhook.Requests);
    }

    [Fact]
    public async Task Subresource_rules_and_delete_operations_match_as_upstream()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Allow(), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync("/api/v1/namespaces/default/pods",
            Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx"}]}}"""), ct)).EnsureSuccessStatusCode();
        await ConfigureAsync(http, mutating: false, "status", ct,
            Webhook("status.example.com", ClientConfig(webhook), resources: """["pods/status","pods/binding"]""", operations: """["*"]"""),
            Webhook("delete.example.com", ClientConfig(webhook), resources: """["pods"]""", operations: """["DELETE"]"""));

        (await http.PatchAsync("/api/v1/namespaces/default/pods/p", Json("""{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();
        (await http.PatchAsync("/api/v1/namespaces/default/pods/p/status", Json("""{"status":{"phase":"Running"}}""", "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();
        (await http.PostAsync("/api/v1/namespaces/default/pods/p/binding",
            Json("""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n1"}}"""), ct)).EnsureSuccessStatusCode();
        (await http.DeleteAsync("/api/v1/namespaces/default/pods/p", ct)).EnsureSuccessStatusCode();

        var seen = webhook.Requests.Select(r => $"{r["operation"]} {r["subResource"]}").ToArray();
        Assert.Equal(["UPDATE status", "CREATE binding", "DELETE "], seen);
        var delete = webhook.Requests.Last();
        Assert.Null(delete["object"]);
        Assert.Equal("p", (string?)delete["oldObject"]!["metadata"]!["name"]);
    }

    [Fact]
    public async Task Dry_run_reaches_side_effect_free_webhooks_with_dry_run_set()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(
            _ => TestWebhookServer.Patch("""[{"op":"add","path":"/data/b","value":"2"}]"""), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: true, "dry", ct, Webhook("dry.example.com", ClientConfig(webhook), ""","sideEffects":"NoneOnDryRun" """.TrimEnd()));

        using var dryRun = await http.PostAsync(ConfigMaps + "?dryRun=All", ConfigMap("d"), ct);
        using var missing = await http.GetAsync(ConfigMaps + "/d", ct);

        Assert.Equal(HttpStatusCode.Created, dryRun.StatusCode);
        Assert.Equal("2", (string?)(await dryRun.ReadObjectAsync(ct))["data"]!["b"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True((bool?)webhook.Requests.Single()["dryRun"]);
    }

    [Fact]
    public async Task If_needed_webhooks_are_reinvoked_after_a_later_webhook_changes_the_object()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var calls = new List<string>();
        await using var webhook = await TestWebhookServer.StartAsync(r =>
        {
            var labels = r["object"]?["metadata"]?["labels"] as JsonObject ?? [];
            var first = labels.ContainsKey("second") ? "first-again" : "first";
            lock (calls)
            {
                calls.Add(labels.ContainsKey("first") && !labels.ContainsKey("second") ? "second" : first);
            }

            return labels.ContainsKey("first")
                ? labels.ContainsKey("second") ? TestWebhookServer.Allow() : TestWebhookServer.Patch("""[{"op":"add","path":"/metadata/labels/second","value":"x"}]""")
                : TestWebhookServer.Patch("""[{"op":"add","path":"/metadata/labels/first","value":"x"}]""");
        }, ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: true, "a-first", ct, Webhook("first.example.com", ClientConfig(webhook), ""","reinvocationPolicy":"IfNeeded" """.TrimEnd()));
        await ConfigureAsync(http, mutating: true, "b-second", ct, Webhook("second.example.com", ClientConfig(webhook)));

        using var created = await http.PostAsync(ConfigMaps, ConfigMap("r", """{}"""), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["first", "second", "first-again"], calls);
    }

    [Fact]
    public async Task Service_references_are_called_on_loopback_with_the_services_dns_name()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Deny("from the service"), ct, "hook.webhooks.svc");
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: false, "svc", ct, Webhook("svc.example.com",
            $$$"""{"service":{"namespace":"webhooks","name":"hook","port":{{{webhook.Port}}},"path":"/check"},"caBundle":"{{{Convert.ToBase64String(webhook.CaBundle)}}}"}"""));

        using var refused = await http.PostAsync(ConfigMaps, ConfigMap("s"), ct);

        await refused.AssertStatusAsync(HttpStatusCode.Forbidden, "", "admission webhook \"svc.example.com\" denied the request: from the service", ct);
    }

    [Fact]
    public async Task A_certificate_that_does_not_chain_to_the_ca_bundle_is_a_call_failure()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Allow(), ct);
        await using var other = await TestWebhookServer.StartAsync(_ => TestWebhookServer.Allow(), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: false, "wrong-ca", ct,
            Webhook("tls.example.com", $$$"""{"url":"{{{webhook.Url()}}}","caBundle":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(other.CaPem))}}}"}"""));

        using var refused = await http.PostAsync(ConfigMaps, ConfigMap("t"), ct);

        var status = await refused.AssertStatusAsync(HttpStatusCode.InternalServerError, "InternalError", null, ct);
        Assert.StartsWith("Internal error occurred: failed calling webhook \"tls.example.com\": failed to call webhook: Post", (string?)status["message"]);
        Assert.Empty(webhook.Requests);
    }

    [Fact]
    public async Task Webhook_configurations_are_never_sent_to_webhooks()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await ConfigureAsync(http, mutating: false, "everything", ct,
            Webhook("all.example.com", $$"""{"url":"{{TestWebhookServer.DeadUrl()}}"}""", resources: """["*/*"]""", operations: """["*"]""").Replace("\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"]", "\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"]", StringComparison.Ordinal));

        using var deleted = await http.DeleteAsync("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/everything", ct);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }
}
