using System.Net;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>Malformed and misdirected requests: always a Status with the right code, never a 500.</summary>
public sealed class ErrorStatusTests
{
    [Theory]
    [InlineData("{\"metadata\":{\"name\":\"x\"")]
    [InlineData("not json")]
    [InlineData("{\"metadata\":{\"name\":\"x\"}} trailing")]
    public async Task Malformed_json_body_returns_400_Status(string body)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(body), ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
        Assert.False(string.IsNullOrEmpty((string?)status["message"]));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Malformed_json_in_an_update_or_patch_returns_400_Status(string method)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"x"}}"""), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/namespaces/default/configmaps/x")
        {
            Content = Json("{\"data\":", method == "PATCH" ? "application/merge-patch+json" : "application/json"),
        };

        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
    }

    [Fact]
    public async Task Empty_or_non_object_body_returns_400_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var empty = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(""), ct);
        using var array = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("[1,2]"), ct);

        await empty.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
        await array.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
    }

    [Fact]
    public async Task Body_over_3_MiB_returns_413_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', (3 * 1024 * 1024) + 1) + "\"}}";

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(big), ct);

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", ct);
    }

    [Fact]
    public async Task Chunked_body_over_3_MiB_returns_413_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', (3 * 1024 * 1024) + 1) + "\"}}";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/configmaps") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", ct);
    }

    [Theory]
    [InlineData("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}""",
        "Pod in version \"v1\" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion")]
    [InlineData("/api/v1/namespaces", """{"kind":"Pod","metadata":{"name":"x"}}""",
        "Pod in version \"v1\" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion")]
    [InlineData("/apis/apps/v1/namespaces/default/deployments", """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"x"}}""",
        "StatefulSet in version \"v1\" cannot be handled as a Deployment: converting (v1.StatefulSet) to (apps.Deployment): unknown conversion")]
    public async Task A_body_of_another_kind_is_a_400_conversion_error_as_upstreams_decoder_reports_it(string path, string body, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(path, Json(body), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", message, ct);
    }

    [Fact]
    public async Task Wrong_kind_in_the_body_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var kind = await http.PostAsync("/api/v1/namespaces/default/configmaps",
            Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"""), ct);
        using var version = await http.PostAsync("/api/v1/namespaces/default/configmaps",
            Json("""{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}"""), ct);

        await kind.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion", ct);
        await version.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "the API version in the data (apps/v1) does not match the expected API version (v1)", ct);
    }

    [Fact]
    public async Task Update_with_a_name_other_than_the_url_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"x"}}"""), ct);

        using var response = await http.PutAsync("/api/v1/namespaces/default/configmaps/x", Json("""{"metadata":{"name":"y"}}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "the name of the object (y) does not match the name on the URL (x)", ct);
    }

    [Fact]
    public async Task Create_with_a_resourceVersion_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"x","resourceVersion":"5"}}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "resourceVersion should not be set on objects to be created", ct);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/widgets")]
    [InlineData("/apis/example.com/v1/widgets")]
    [InlineData("/apis/apps/v9/deployments")]
    [InlineData("/api/v1/namespaces/default/namespaces/x")]
    [InlineData("/nothing/here")]
    public async Task Unknown_paths_return_404_Status(string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync(path, ct);

        await response.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource", ct);
    }

    [Fact]
    public async Task Unsupported_method_returns_405_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PutAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"x"}}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", null, ct);
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/apis")]
    [InlineData("/openapi/v3")]
    public async Task Writing_to_a_read_only_path_returns_405_Status(string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(path, Json("{}"), ct);

        await response.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource", ct);
    }

    [Fact]
    public async Task Unsupported_body_media_type_returns_415_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("x", "application/cbor"), ct);

        await response.AssertStatusAsync(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf", ct);
    }

    [Fact]
    public async Task Invalid_query_values_return_400_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var limit = await http.GetAsync("/api/v1/namespaces/default/configmaps?limit=ten", ct);
        using var dryRun = await http.PostAsync("/api/v1/namespaces/default/configmaps?dryRun=Some", Json("""{"metadata":{"name":"x"}}"""), ct);
        using var rv = await http.GetAsync("/api/v1/namespaces/default/configmaps?resourceVersion=abc", ct);

        await limit.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
        await dryRun.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "Invalid dry run value \"Some\": valid dry run values are \"All\"", ct);
        await rv.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
    }

    [Fact]
    public async Task Yaml_body_creates_the_object()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("metadata:\n  name: from-yaml\ndata:\n  a: \"1\"\n", "application/yaml"), ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadObjectAsync(ct);
        Assert.Equal("from-yaml", (string?)created["metadata"]?["name"]);
        Assert.Equal("1", (string?)created["data"]?["a"]);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{a: ")]
    public async Task Deeply_nested_yaml_body_returns_400_Status_and_the_server_keeps_serving(string open)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(string.Concat(Enumerable.Repeat(open, 200_000)), "application/yaml"), ct);
        using var after = await http.GetAsync("/api/v1/namespaces/default/configmaps", ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "error converting YAML to JSON: yaml: exceeded max depth of 256", ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Yaml_alias_bomb_returns_400_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var bomb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            bomb.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(bomb.ToString(), "application/yaml"), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "error converting YAML to JSON: yaml: document contains excessive aliasing", ct);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/merge-patch+json")]
    public async Task Invalid_utf8_in_a_body_is_read_as_replacement_characters_as_Go_does(string contentType)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"utf"}}"""), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        byte[] body = [.. "{\"metadata\":{\"name\":\"utf\"},\"data\":{\"k\":\"a"u8, 0xff, 0xc3, .. "b\"}}"u8];
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/utf") { Content = new ByteArrayContent(body) };
        if (contentType == "application/json")
        {
            request.Method = HttpMethod.Put;
        }

        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a\uFFFD\uFFFDb", (string?)(await response.ReadObjectAsync(ct))["data"]!["k"]);
    }

    [Fact]
    public async Task Unknown_field_with_a_non_ascii_name_is_an_escaped_warning_not_a_500()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps?fieldValidation=Warn", Json("""{"metadata":{"name":"w"},"d\u00e4ta\ufeff":1}"""), ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field \\\"d\\u00e4ta\\ufeff\\\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lone_surrogate_escape_in_a_patch_reads_as_a_replacement_character_as_Go_does()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"s"}}"""), ct);
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/s")
        {
            Content = Json("""{"data":{"k":"\uD83D83D"}}""", "application/strategic-merge-patch+json"),
        };

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\uFFFD83D", (string?)(await response.ReadObjectAsync(ct))["data"]!["k"]);
    }

    [Fact]
    public async Task Strategic_merge_patch_with_non_string_retainKeys_returns_400_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"r"}}"""), ct);
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/r")
        {
            Content = Json("""{"$retainKeys":[{}],"data":{"a":"b"}}""", "application/strategic-merge-patch+json"),
        };

        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "invalid patch format of retainKeys", ct);
    }

    [Theory]
    [InlineData("!<tag:%zz> x")]
    [InlineData("a: !<%> b")]
    public async Task Yaml_that_YamlDotNet_rejects_with_a_non_yaml_exception_returns_400_Status(string yaml)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(yaml, "application/yaml"), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
    }

    [Fact]
    public async Task Malformed_json_after_a_duplicate_field_returns_400_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json("{\"metadata\":{\"name\":\"d\"},\"metadata\":{\"name\":\"d\t\"}}"), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", null, ct);
    }
}
