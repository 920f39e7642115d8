using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>Discovery, OpenAPI, /version and health as kubectl and the client fetch them.</summary>
public sealed class DiscoveryTests
{
    private const string V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string V2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    [Theory]
    [InlineData(V2 + "," + V2Beta1 + ",application/json", "v2")]
    [InlineData(V2Beta1 + ",application/json", "v2beta1")]
    [InlineData(V2, "v2")]
    public async Task Aggregated_discovery_version_follows_the_accept_header(string accept, string version)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        foreach (var path in new[] { "/api", "/apis" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await http.SendAsync(request, ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList", response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
            var doc = await response.ReadObjectAsync(ct);
            Assert.Equal("APIGroupDiscoveryList", (string?)doc["kind"]);
            Assert.Equal("apidiscovery.k8s.io/" + version, (string?)doc["apiVersion"]);
            Assert.NotEmpty(doc["items"]!.AsArray());
        }
    }

    [Fact]
    public async Task Aggregated_core_discovery_lists_configmaps_with_verbs_and_pod_subresources()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api");
        request.Headers.TryAddWithoutValidation("Accept", V2);

        using var response = await http.SendAsync(request, ct);

        var doc = await response.ReadObjectAsync(ct);
        var core = Assert.Single(doc["items"]!.AsArray())!.AsObject();
        var v1 = core["versions"]!.AsArray().Single(v => (string?)v?["version"] == "v1")!;
        var resources = v1["resources"]!.AsArray().Select(r => r!.AsObject()).ToDictionary(r => (string)r["resource"]!);
        var configMaps = resources["configmaps"];
        Assert.Equal("Namespaced", (string?)configMaps["scope"]);
        Assert.Equal("ConfigMap", (string?)configMaps["responseKind"]?["kind"]);
        Assert.Equal(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], configMaps["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["cm"], configMaps["shortNames"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("Cluster", (string?)resources["namespaces"]["scope"]);
        var podSubresources = resources["pods"]["subresources"]!.AsArray().Select(s => (string?)s?["subresource"]).ToList();
        Assert.Contains("status", podSubresources);
        Assert.Contains("binding", podSubresources);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v1;as=APIGroupDiscoveryList,application/json")]
    public async Task Legacy_discovery_without_an_aggregated_accept(string? accept)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var api = new HttpRequestMessage(HttpMethod.Get, "/api");
        using var apis = new HttpRequestMessage(HttpMethod.Get, "/apis");
        if (accept is not null)
        {
            api.Headers.TryAddWithoutValidation("Accept", accept);
            apis.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var apiResponse = await http.SendAsync(api, ct);
        using var apisResponse = await http.SendAsync(apis, ct);

        var versions = await apiResponse.ReadObjectAsync(ct);
        Assert.Equal("APIVersions", (string?)versions["kind"]);
        Assert.Equal(["v1"], versions["versions"]!.AsArray().Select(v => (string?)v));
        var groups = await apisResponse.ReadObjectAsync(ct);
        Assert.Equal("APIGroupList", (string?)groups["kind"]);
        Assert.Contains("apps", groups["groups"]!.AsArray().Select(g => (string?)g?["name"]));
    }

    [Fact]
    public async Task Legacy_resource_lists_serve_each_group_version()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var core = await http.GetAsync("/api/v1", ct);
        using var apps = await http.GetAsync("/apis/apps/v1", ct);
        using var missing = await http.GetAsync("/apis/apps/v2", ct);

        var coreList = await core.ReadObjectAsync(ct);
        Assert.Equal("APIResourceList", (string?)coreList["kind"]);
        Assert.Equal("v1", (string?)coreList["groupVersion"]);
        var names = coreList["resources"]!.AsArray().Select(r => (string?)r?["name"]).ToList();
        Assert.Contains("configmaps", names);
        Assert.Contains("pods/status", names);
        var appsList = await apps.ReadObjectAsync(ct);
        Assert.Equal("apps/v1", (string?)appsList["groupVersion"]);
        Assert.Contains("deployments/scale", appsList["resources"]!.AsArray().Select(r => (string?)r?["name"]));
        await missing.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", null, ct);
    }

    [Fact]
    public async Task Client_discovery_calls_parse()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var groups = await cluster.Client.Apis.GetAPIVersionsAsync(ct);
        var core = await cluster.Client.CoreV1.GetAPIResourcesAsync(ct);

        Assert.Contains(groups.Groups, g => g.Name == "apps" && g.PreferredVersion.GroupVersion == "apps/v1");
        Assert.Contains(core.Resources, r => r.Name == "configmaps" && r.Namespaced && r.Kind == "ConfigMap");
    }

    [Fact]
    public async Task OpenApi_v3_root_lists_every_group_version_with_a_hash()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("/openapi/v3", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadObjectAsync(ct))["paths"]!.AsObject();
        Assert.Contains("api/v1", paths.Select(p => p.Key));
        Assert.Contains("apis/apps/v1", paths.Select(p => p.Key));
        Assert.All(paths, p => Assert.Matches("^/openapi/v3/" + p.Key + @"\?hash=[0-9A-Za-z]+$", (string?)p.Value?["serverRelativeURL"]));
    }

    [Fact]
    public async Task OpenApi_v3_document_has_a_patch_operation_with_gvk_and_fieldValidation()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var root = await http.GetAsync("/openapi/v3", ct);
        var url = (string)(await root.ReadObjectAsync(ct))["paths"]!["api/v1"]!["serverRelativeURL"]!;

        using var response = await http.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.ReadObjectAsync(ct);
        var patch = doc["paths"]!["/api/v1/namespaces/{namespace}/configmaps/{name}"]!["patch"]!;
        Assert.Equal("ConfigMap", (string?)patch["x-kubernetes-group-version-kind"]?["kind"]);
        Assert.Equal("v1", (string?)patch["x-kubernetes-group-version-kind"]?["version"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p?["name"] == "fieldValidation" && (string?)p?["in"] == "query");
        var schemas = doc["components"]!["schemas"]!.AsObject();
        Assert.Contains(schemas, s => s.Value?["x-kubernetes-group-version-kind"] is JsonArray gvk && gvk.Any(g => (string?)g?["kind"] == "ConfigMap"));
    }

    [Theory]
    [InlineData("/api/v1", "pods", "xPOwRZ+Yhw8=")]
    [InlineData("/api/v1", "configmaps", "qFsyl6wFWjQ=")]
    [InlineData("/api/v1", "namespaces", "Q3oi5N2YM8M=")]
    [InlineData("/api/v1", "events", "r2yiGXH7wu8=")]
    [InlineData("/apis/apps/v1", "deployments", "8aSe+NMegvE=")]
    [InlineData("/apis/events.k8s.io/v1", "events", "r2yiGXH7wu8=")]
    public async Task Legacy_discovery_carries_upstreams_storageVersionHash(string path, string resource, string hash)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        var list = JsonNode.Parse(await http.GetStringAsync(path, ct))!;
        var resources = list["resources"]!.AsArray();

        Assert.Equal(hash, (string?)resources.Single(r => (string?)r?["name"] == resource)?["storageVersionHash"]);
        Assert.All(resources.Where(r => ((string?)r?["name"])!.Contains('/', StringComparison.Ordinal)), r => Assert.Null(r?["storageVersionHash"]));
    }

    [Fact]
    public async Task OpenApi_v3_unknown_group_version_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("/openapi/v3/apis/example.com/v1", ct);

        await response.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", null, ct);
    }

    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")]
    [InlineData("application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")]
    [InlineData("application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")]
    [InlineData("*/*", "application/json")]
    public async Task OpenApi_v2_serves_json_or_protobuf_as_accepted_with_one_etag(string accept, string contentType)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        using var json = await http.GetAsync("/openapi/v2", ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        again.Headers.TryAddWithoutValidation("Accept", accept);
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag?.ToString());
        using var notModified = await http.SendAsync(again, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(json.Headers.ETag, response.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        if (contentType == "application/json")
        {
            var doc = JsonNode.Parse(body)!;
            Assert.Equal("2.0", (string?)doc["swagger"]);
            var patch = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
            Assert.Contains("application/strategic-merge-patch+json", patch["consumes"]!.AsArray().Select(c => (string?)c));
            Assert.Equal("Deployment", (string?)patch["x-kubernetes-group-version-kind"]?["kind"]);
            Assert.Equal("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", (string?)doc["definitions"]!["io.k8s.api.apps.v1.Deployment"]!["properties"]!["spec"]!["$ref"]);
        }
        else
        {
            // gnostic Document: field 1 (swagger) is "2.0"; the kinds' extensions travel as NamedAny.
            Assert.Equal(new byte[] { 0x0A, 3, (byte)'2', (byte)'.', (byte)'0' }, body[..5]);
            Assert.Contains("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenApi_v2_answers_406_when_nothing_acceptable_is_asked_for()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Version_reports_the_imitated_kubernetes_version()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var version = await cluster.Client.Version.GetCodeAsync(ct);

        Assert.Equal("1", version.Major);
        Assert.Equal("33", version.Minor);
        Assert.StartsWith("v1.33.", version.GitVersion, StringComparison.Ordinal);
        Assert.Equal("linux/amd64", version.Platform);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_answer_ok(string path)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync(path, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(ct));
    }
}
