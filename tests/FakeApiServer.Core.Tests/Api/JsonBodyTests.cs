using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// JSON bodies byte for byte as kube-apiserver's encoder writes them: compact with a trailing newline (Go's
/// json.Encoder), or indented by two spaces without one for ?pretty=true and curl/Wget/browser user agents
/// (json.MarshalIndent); /version always indented (WriteRawJSON).
/// </summary>
public sealed class JsonBodyTests
{
    private const string Curl = "curl/8.5.0";

    public static TheoryData<string, string> CompactBodies => new()
    {
        { "GET", "/api/v1/namespaces/default/configmaps/a" },
        { "GET", "/api/v1/namespaces/default/configmaps" },
        { "GET", "/api/v1/namespaces/default/configmaps/missing" },
        { "POST", "/api/v1/namespaces/default/configmaps" },
        { "DELETE", "/api/v1/namespaces/default/configmaps/a" },
        { "DELETE", "/apis/apps/v1/namespaces/default/deployments/missing" },
        { "GET", "/api" },
        { "GET", "/apis" },
        { "GET", "/api/v1" },
        { "GET", "/apis/apps" },
        { "GET", "/apis/apps/v1" },
        { "GET", "/nothing/here" },
    };

    [Theory]
    [MemberData(nameof(CompactBodies))]
    public async Task A_json_body_is_compact_and_ends_with_one_newline(string method, string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json("""{"metadata":{"name":"b"},"data":{"k":"v"}}""");
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("}\n", body, StringComparison.Ordinal);
        Assert.Equal(1, body.Count(c => c == '\n'));
        Assert.NotNull(JsonNode.Parse(body));
    }

    [Fact]
    public async Task A_table_ends_with_a_newline()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal("Table", (string?)JsonNode.Parse(body)?["kind"]);
        Assert.EndsWith("}\n", body, StringComparison.Ordinal);
        Assert.Equal(1, body.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("?pretty=true", null)]
    [InlineData("?pretty=1", "kubectl/v1.33.1 (linux/amd64) kubernetes/abc")]
    [InlineData("", Curl)]
    [InlineData("", "Wget/1.21.4")]
    [InlineData("", "Mozilla/5.0 (X11; Linux x86_64)")]
    public async Task Pretty_output_is_indented_by_two_spaces_without_a_trailing_newline(string query, string? userAgent)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        foreach (var path in new[] { "/api/v1/namespaces/default/configmaps/a", "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/missing", "/api/v1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path + query);
            if (userAgent is not null)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            }

            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);

            Assert.Equal(GoIndent(body), body);
            Assert.EndsWith("\n}", body, StringComparison.Ordinal);
            Assert.Contains("\n  \"kind\": ", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("?pretty=false", Curl)]
    [InlineData("?pretty=yes", null)]
    [InlineData("", "Mozilla/4.0")]
    [InlineData("", "kubectl.1.33/v1.33.1 (linux/amd64) kubernetes/abc")]
    public async Task Pretty_is_off_when_the_query_says_so_or_the_agent_is_not_a_browser_or_http_tool(string query, string? userAgent)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default" + query);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.EndsWith("}\n", body, StringComparison.Ordinal);
        Assert.Equal(1, body.Count(c => c == '\n'));
    }

    [Fact]
    public async Task Pretty_accept_parameter_pretty_prints()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;pretty=1");

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(GoIndent(body), body);
    }

    [Fact]
    public async Task Version_is_always_indented_without_a_trailing_newline()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        var body = await http.GetStringAsync("/version", ct);

        Assert.StartsWith("{\n  \"major\": \"1\",\n", body, StringComparison.Ordinal);
        Assert.Equal(GoIndent(body), body);
    }

    [Fact]
    public async Task Watch_events_are_compact_lines_even_when_pretty_is_asked()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true&pretty=true");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);

        var line = await reader.ReadLineAsync(ct);

        Assert.Equal("ADDED", (string?)JsonNode.Parse(line!)?["type"]);
        Assert.StartsWith("{\"type\":\"ADDED\",\"object\":{", line, StringComparison.Ordinal);
    }

    /// <summary>The document as Go's json.MarshalIndent(v, "", "  ") lays it out (key order kept).</summary>
    private static string GoIndent(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
