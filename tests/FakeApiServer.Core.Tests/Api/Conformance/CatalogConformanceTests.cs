using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api.Conformance;

/// <summary>
/// The served catalog against kube-apiserver 1.33's (<see cref="UpstreamResources"/>): every resource is served with
/// upstream's kind, scope, verbs, short names, categories and subresources, and a resource the table does not know fails;
/// each resource is created, got, listed, watched, updated, patched with every patch type it accepts, printed as a table
/// and deleted through the HTTP API, as its verbs allow (a verb it does not serve answers 405).
/// </summary>
public sealed class CatalogConformanceTests(CatalogConformanceTests.Cluster fixture) : IClassFixture<CatalogConformanceTests.Cluster>
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static TheoryData<string> ResourceNames() => new(UpstreamResources.Resources.Select(r => r.ToString()));

    [Fact]
    public async Task Discovery_lists_exactly_upstreams_resources_with_their_names_scope_verbs_and_subresources()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        using var http = cluster.Http();
        var served = new List<string>();
        // metrics.k8s.io is metrics-server's group, aggregated upstream and served natively here (Apis/MetricsApiTests).
        foreach (var groupVersion in (await GroupVersionsAsync(http, cts.Token)).Where(gv => gv != "metrics.k8s.io/v1beta1"))
        {
            var list = await GetJsonAsync(http, groupVersion == "v1" ? "api/v1" : "apis/" + groupVersion, cts.Token);
            var entries = (list["resources"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            foreach (var entry in entries.Where(e => !e["name"]!.GetValue<string>().Contains('/', StringComparison.Ordinal)))
            {
                var plural = entry["name"]!.GetValue<string>();
                served.Add(plural + "." + groupVersion);
                var upstream = UpstreamResources.Resources.FirstOrDefault(r => r.Plural == plural && r.GroupVersion == groupVersion);
                Assert.True(upstream is not null, $"{plural}.{groupVersion} is served but kube-apiserver 1.33 does not serve it by default");
                Assert.Equal(upstream.Kind, entry["kind"]?.GetValue<string>());
                Assert.Equal(upstream.Namespaced, entry["namespaced"]?.GetValue<bool>());
                Assert.Equal(UpstreamResource.List(upstream.Verbs), Strings(entry["verbs"]));
                Assert.Equal(UpstreamResource.List(upstream.ShortNames), Strings(entry["shortNames"]));
                Assert.Equal(UpstreamResource.List(upstream.Categories), Strings(entry["categories"]));
                var expectedSubresources = UpstreamResource.List(upstream.Subresources).Except(NotServedYet(upstream)).Order(StringComparer.Ordinal);
                var subresources = entries.Select(e => e["name"]!.GetValue<string>())
                    .Where(n => n.StartsWith(plural + "/", StringComparison.Ordinal)).Select(n => n[(plural.Length + 1)..]).Order(StringComparer.Ordinal);
                Assert.Equal(expectedSubresources, subresources);
            }
        }

        Assert.Equal(UpstreamResources.Resources.Select(r => r.ToString()).Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public async Task Resource_serves_its_verbs_as_upstream(string resourceName)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var resource = UpstreamResources.Resources.Single(r => r.ToString() == resourceName);
        var verbs = UpstreamResource.List(resource.Verbs);
        using var http = fixture.Server.Http();
        var collection = resource.CollectionPath("default");
        var name = UpstreamResources.NameFor(resource);
        if (!verbs.Contains("create"))
        {
            await ReadOnlyAsync(http, resource, collection, ct);
            return;
        }

        if (resource.Plural == "bindings")
        {
            await PostAsync(http, "api/v1/namespaces/default/pods", """{"metadata":{"name":"conf-pod"},"spec":{"containers":[{"name":"main","image":"busybox:1.36"}]}}""", ct);
        }

        var created = await SendAsync(http, HttpMethod.Post, collection, Body(resource, name), "application/json", ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"create: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ct)}");
        if (!verbs.Contains("get"))
        {
            var list = await SendAsync(http, HttpMethod.Get, collection, null, null, ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, list.StatusCode);
            return;
        }

        var item = collection + "/" + name;
        var got = await GetJsonAsync(http, item, ct);
        Assert.Equal(resource.Kind, got["kind"]?.GetValue<string>());
        Assert.Equal(resource.GroupVersion, got["apiVersion"]?.GetValue<string>());

        var listed = await GetJsonAsync(http, collection, ct);
        Assert.Contains(name, (listed["items"] as JsonArray ?? []).Select(i => i?["metadata"]?["name"]?.GetValue<string>()));
        Assert.Equal(resource.Kind + "List", listed["kind"]?.GetValue<string>());

        await WatchSeesAsync(http, collection, name, ct);

        got["metadata"]!["labels"] = new JsonObject { ["updated"] = "yes" };
        var updated = await SendJsonAsync(http, HttpMethod.Put, item, got.ToJsonString(), "application/json", ct);
        Assert.Equal("yes", updated["metadata"]?["labels"]?["updated"]?.GetValue<string>());

        var merged = await SendJsonAsync(http, HttpMethod.Patch, item, """{"metadata":{"labels":{"merge":"yes"}}}""", "application/merge-patch+json", ct);
        Assert.Equal("yes", merged["metadata"]?["labels"]?["merge"]?.GetValue<string>());
        var jsonPatched = await SendJsonAsync(http, HttpMethod.Patch, item, """[{"op":"add","path":"/metadata/labels/json","value":"yes"}]""", "application/json-patch+json", ct);
        Assert.Equal("yes", jsonPatched["metadata"]?["labels"]?["json"]?.GetValue<string>());
        var strategic = await SendJsonAsync(http, HttpMethod.Patch, item, """{"metadata":{"labels":{"smp":"yes"}}}""", "application/strategic-merge-patch+json", ct);
        Assert.Equal("yes", strategic["metadata"]?["labels"]?["smp"]?.GetValue<string>());
        var apply = new JsonObject
        {
            ["apiVersion"] = resource.GroupVersion,
            ["kind"] = resource.Kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["apply"] = "yes" } },
        }.ToJsonString();
        var applied = await SendJsonAsync(http, HttpMethod.Patch, item + "?fieldManager=conformance&force=true", apply, "application/apply-patch+yaml", ct);
        Assert.Equal("yes", applied["metadata"]?["labels"]?["apply"]?.GetValue<string>());
        Assert.Equal("yes", applied["metadata"]?["labels"]?["merge"]?.GetValue<string>());

        foreach (var subresource in UpstreamResource.List(resource.Subresources).Except(NotServedYet(resource)).Where(s => s is "status" or "scale"))
        {
            var sub = await SendAsync(http, HttpMethod.Get, item + "/" + subresource, null, null, ct);
            Assert.True(sub.StatusCode == HttpStatusCode.OK, $"{subresource}: {(int)sub.StatusCode} {await sub.Content.ReadAsStringAsync(ct)}");
        }

        await TableAsync(http, item, ct);

        var deleted = await SendAsync(http, HttpMethod.Delete, item, null, null, ct);
        Assert.True(deleted.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"delete: {(int)deleted.StatusCode}");
        var after = await SendAsync(http, HttpMethod.Get, item, null, null, ct);
        if (after.StatusCode != HttpStatusCode.NotFound)
        {
            // Held by finalizers (namespaces, CRDs): marked for deletion.
            var marked = JsonNode.Parse(await after.Content.ReadAsStringAsync(ct))!;
            Assert.NotNull(marked["metadata"]?["deletionTimestamp"]);
        }
    }

    /// <summary>A get/list-only resource: list and get its built-in objects and print them; a create answers 405.</summary>
    private static async Task ReadOnlyAsync(HttpClient http, UpstreamResource resource, string collection, CancellationToken ct)
    {
        var list = await GetJsonAsync(http, collection, ct);
        var first = (list["items"] as JsonArray ?? []).FirstOrDefault()?["metadata"]?["name"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(first), $"{resource} lists no objects");
        await GetJsonAsync(http, collection + "/" + first, ct);
        await TableAsync(http, collection + "/" + first, ct);
        var create = await SendAsync(http, HttpMethod.Post, collection, """{"metadata":{"name":"x"}}""", "application/json", ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, create.StatusCode);
    }

    private static async Task TableAsync(HttpClient http, string item, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, item);
        request.Headers.Accept.ParseAdd(TableAccept);
        using var response = await http.SendAsync(request, ct);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("Table", table["kind"]?.GetValue<string>());
        var columns = (table["columnDefinitions"] as JsonArray)!;
        Assert.All(columns, c => Assert.False(string.IsNullOrEmpty(c?["description"]?.GetValue<string>()), $"column {c?["name"]} has no description"));
        var row = Assert.Single((table["rows"] as JsonArray)!);
        Assert.Equal(columns.Count, (row!["cells"] as JsonArray)!.Count);
    }

    /// <summary>A watch from resourceVersion 0, narrowed to the object, starts with its ADDED event.</summary>
    private static async Task WatchSeesAsync(HttpClient http, string collection, string name, CancellationToken ct)
    {
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{collection}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3D{name}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchCts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchCts.Token));
        var line = await reader.ReadLineAsync(watchCts.Token);
        var watchEvent = JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", watchEvent["type"]?.GetValue<string>());
        Assert.Equal(name, watchEvent["object"]?["metadata"]?["name"]?.GetValue<string>());
        await watchCts.CancelAsync();
    }

    private static string Body(UpstreamResource resource, string name)
    {
        var body = JsonNode.Parse(resource.Sample ?? "{}")!.AsObject();
        body["apiVersion"] = resource.GroupVersion;
        body["kind"] = resource.Kind;
        if (body["metadata"] is not JsonObject)
        {
            body["metadata"] = new JsonObject { ["name"] = name };
        }

        return body.ToJsonString();
    }

    private static string[] NotServedYet(UpstreamResource resource)
    {
        var text = resource.NotServedYet;
        var end = text.IndexOf(" (", StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Split(',', StringSplitOptions.RemoveEmptyEntries);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => n!.GetValue<string>());

    private static async Task<IReadOnlyList<string>> GroupVersionsAsync(HttpClient http, CancellationToken ct)
    {
        var groups = await GetJsonAsync(http, "apis", ct);
        return
        [
            "v1",
            .. (groups["groups"] as JsonArray ?? []).SelectMany(g => (g?["versions"] as JsonArray ?? []).Select(v => v!["groupVersion"]!.GetValue<string>())),
        ];
    }

    private static async Task<JsonObject> GetJsonAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task PostAsync(HttpClient http, string path, string body, CancellationToken ct)
    {
        using var response = await SendAsync(http, HttpMethod.Post, path, body, "application/json", ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode}");
    }

    private static async Task<JsonObject> SendJsonAsync(HttpClient http, HttpMethod method, string path, string body, string contentType, CancellationToken ct)
    {
        using var response = await SendAsync(http, method, path, body, contentType, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} ({contentType}): {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body, string? contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        return await http.SendAsync(request, ct);
    }

    /// <summary>One server for the theory's rows (each writes objects of its own resource only).</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private FakeCluster? _server;

        public FakeCluster Server => _server ?? throw new InvalidOperationException("not started");

        public async Task InitializeAsync()
        {
            using var cts = new CancellationTokenSource(TestTimeout);
            _server = await FakeCluster.StartAsync(cts.Token);
        }

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
