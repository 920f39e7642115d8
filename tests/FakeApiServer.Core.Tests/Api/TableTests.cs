using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>Server-side printing: what kubectl get asks for with its Table Accept header.</summary>
public sealed class TableTests
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    [Fact]
    public async Task List_as_table_has_configmap_columns_and_one_row_per_object()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one", data: new Dictionary<string, string> { ["a"] = "1" }), "default", cancellationToken: ct);
        var two = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
            ConfigMap("two", data: new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }), "default", cancellationToken: ct);
        using var http = cluster.Http();

        var table = await GetTableAsync(http, "/api/v1/namespaces/default/configmaps?limit=500", ct);

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)table["apiVersion"]);
        Assert.Equal(two.Metadata.ResourceVersion, (string?)table["metadata"]?["resourceVersion"]);
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c?["name"]));
        var rows = table["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal("one", (string?)rows[0]?["cells"]?[0]);
        Assert.Equal(1, (int?)rows[0]?["cells"]?[1]);
        Assert.Equal("two", (string?)rows[1]?["cells"]?[0]);
        Assert.Equal(2, (int?)rows[1]?["cells"]?[1]);
        Assert.Equal("PartialObjectMetadata", (string?)rows[1]?["object"]?["kind"]);
        Assert.Equal(two.Metadata.Uid, (string?)rows[1]?["object"]?["metadata"]?["uid"]);
    }

    [Fact]
    public async Task Get_as_table_has_one_row()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        var table = await GetTableAsync(http, "/api/v1/namespaces/default/configmaps/one?includeObject=Object", ct);

        var row = Assert.Single(table["rows"]!.AsArray());
        Assert.Equal("one", (string?)row?["cells"]?[0]);
        Assert.Equal("ConfigMap", (string?)row?["object"]?["kind"]);
        Assert.Equal("1", (string?)row?["object"]?["data"]?["a"]);
    }

    [Fact]
    public async Task Paged_table_carries_the_continue_token()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("two"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        var first = await GetTableAsync(http, "/api/v1/namespaces/default/configmaps?limit=1", ct);
        var token = (string?)first["metadata"]?["continue"];
        var second = await GetTableAsync(http, "/api/v1/namespaces/default/configmaps?limit=1&continue=" + Uri.EscapeDataString(token!), ct);

        Assert.Equal("one", (string?)first["rows"]?[0]?["cells"]?[0]);
        Assert.Equal("two", (string?)second["rows"]?[0]?["cells"]?[0]);
        Assert.Null(second["metadata"]?["continue"]);
    }

    [Fact]
    public async Task Unacceptable_accept_header_returns_406()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");

        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.NotAcceptable, "NotAcceptable", null, ct);
    }

    private static async Task<JsonObject> GetTableAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", TableAccept);
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Table", response.Content.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name == "as")?.Value);
        return await response.ReadObjectAsync(ct);
    }
}
