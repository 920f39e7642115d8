using System.Net;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class FieldValidationTests
{
    private const string DeploymentWithTypo = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                             "spec":{"containers":[{"name":"web","image":"nginx","imagee":"typo"}]}}}}
        """;

    [Fact]
    public async Task Strict_rejects_an_unknown_field_with_the_upstream_message()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", Json(DeploymentWithTypo), cts.Token);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\"",
            cts.Token);
    }

    [Fact]
    public async Task Warn_creates_the_object_without_the_field_and_sends_a_warning_header()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn", Json(DeploymentWithTypo), cts.Token);
        var created = await response.ReadObjectAsync(cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["299 - \"unknown field \\\"spec.template.spec.containers[0].imagee\\\"\""], response.Headers.GetValues("Warning"));
        Assert.Null(created["spec"]!["template"]!["spec"]!["containers"]![0]!["imagee"]);
        Assert.Equal("nginx", (string?)created["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task Ignore_drops_unknown_fields_silently()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps?fieldValidation=Ignore",
            Json("""{"metadata":{"name":"x"},"data":{"a":"1"},"extra":true}"""), cts.Token);
        var created = await response.ReadObjectAsync(cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Warning"));
        Assert.False(created.ContainsKey("extra"));
    }

    [Fact]
    public async Task Strict_rejects_a_duplicate_field()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps?fieldValidation=Strict",
            Json("""{"metadata":{"name":"x"},"data":{"a":"1","a":"2"}}"""), cts.Token);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"data.a\"", cts.Token);
    }

    [Fact]
    public async Task Without_strict_the_last_duplicate_wins_with_a_warning()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps",
            Json("""{"metadata":{"name":"x"},"data":{"a":"1","a":"2"}}"""), cts.Token);
        var created = await response.ReadObjectAsync(cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("2", (string?)created["data"]!["a"]);
        Assert.Equal(["299 - \"duplicate field \\\"data.a\\\"\""], response.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task Strict_rejects_a_duplicate_spelled_with_an_escape()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();

        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps?fieldValidation=Strict",
            Json("""{"metadata":{"name":"x"},"data":{"a":"1","\u0061":"2"}}"""), cts.Token);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"data.a\"", cts.Token);
    }

    [Fact]
    public async Task An_update_reports_duplicates_and_one_without_them_no_warning()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();
        using var created = await http.PostAsync("api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"x"},"data":{"a":"1"}}"""), cts.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(created.Headers.Contains("Warning"));

        using var duplicate = await http.PutAsync("api/v1/namespaces/default/configmaps/x",
            Json("""{"metadata":{"name":"x","name":"x"},"data":{"a":"2"}}"""), cts.Token);
        using var clean = await http.PutAsync("api/v1/namespaces/default/configmaps/x",
            Json("""{"metadata":{"name":"x"},"data":{"a":"3"}}"""), cts.Token);

        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal(["299 - \"duplicate field \\\"metadata.name\\\"\""], duplicate.Headers.GetValues("Warning"));
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.False(clean.Headers.Contains("Warning"));
    }
}
