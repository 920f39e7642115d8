using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;

namespace FakeApiServer.Tests.Apis.ApiExtensions;

/// <summary>Custom resources served from a CRD: verbs, schema validation, defaults, pruning, subresources, tables, versions.</summary>
public sealed class CustomResourceApiTests
{
    private const string Crds = "apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private const string Widgets = "apis/example.com/v1/namespaces/default/widgets";

    private static async Task<(FakeCluster Cluster, HttpClient Http)> StartWithWidgetsAsync(CancellationToken ct, string scope = "Namespaced")
    {
        var cluster = await FakeCluster.StartAsync(ct);
        var http = cluster.Http();
        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets(scope).ToJsonString()), ct)).EnsureSuccessStatusCode();
        return (cluster, http);
    }

    [Fact]
    public async Task Custom_resource_is_served_as_soon_as_the_crd_create_returns_with_defaults_and_pruning()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        var widget = CrdFixtures.Widget("one");
        widget["spec"]!["colour"] = "typo";
        widget["extra"] = 1;

        var created = (JsonElementToNode(await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            widget, "example.com", "v1", "default", "widgets", cancellationToken: ct)))!.AsObject();

        Assert.Equal("10cm", (string?)created["spec"]!["size"]);
        Assert.Equal(1, (int?)created["spec"]!["replicas"]);
        Assert.Null(created["spec"]!["colour"]);
        Assert.Null(created["extra"]);
        Assert.Equal(1, (long?)created["metadata"]!["generation"]);
        var resources = await cluster.Client.CustomObjects.GetAPIResourcesAsync("example.com", "v1", ct);
        var entry = resources.Resources.Single(r => r.Name == "widgets");
        Assert.Equal(["wd"], entry.ShortNames);
        Assert.Equal(["all"], entry.Categories);
        Assert.Contains(resources.Resources, r => r.Name == "widgets/scale");
        Assert.Contains(resources.Resources, r => r.Name == "widgets/status");
    }

    [Theory]
    [InlineData("{\"color\":\"red\",\"replicas\":\"three\"}", "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")]
    [InlineData("{\"size\":\"10cm\"}", "spec.color: Required value")]
    [InlineData("{\"color\":\"pink\"}", "spec.color: Unsupported value: \"pink\": supported values: \"red\", \"blue\", \"green\"")]
    [InlineData("{\"color\":\"red\",\"size\":\"huge\"}", "spec.size: Invalid value: \"huge\": spec.size in body should match '^[0-9]+(cm|m)$'")]
    public async Task Invalid_custom_resource_gets_422_naming_the_field(string spec, string cause)
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        var widget = CrdFixtures.Widget("bad");
        widget["spec"] = JsonNode.Parse(spec);

        using var response = await http.PostAsync(Widgets, ApiTestSupport.Json(widget.ToJsonString()), ct);

        await response.AssertStatusAsync((HttpStatusCode)422, "Invalid", $"Widget.example.com \"bad\" is invalid: {cause}", ct);
    }

    [Fact]
    public async Task Status_subresource_ignores_spec_and_main_resource_ignores_status()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        var widget = CrdFixtures.Widget("one");
        widget["status"] = new JsonObject { ["phase"] = "Ignored" };
        var created = await (await http.PostAsync(Widgets, ApiTestSupport.Json(widget.ToJsonString()), ct)).ReadObjectAsync(ct);
        Assert.Null(created["status"]);

        using var patch = await http.PatchAsync(Widgets + "/one/status",
            ApiTestSupport.Json("{\"spec\":{\"color\":\"blue\"},\"status\":{\"phase\":\"Ready\",\"replicas\":2}}", "application/merge-patch+json"), ct);
        var patched = await patch.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("red", (string?)patched["spec"]!["color"]);
        Assert.Equal("Ready", (string?)patched["status"]!["phase"]);
        Assert.Equal(1, (long?)patched["metadata"]!["generation"]);
        using var main = await http.PatchAsync(Widgets + "/one",
            ApiTestSupport.Json("{\"spec\":{\"color\":\"green\"},\"status\":{\"phase\":\"Lost\"}}", "application/merge-patch+json"), ct);
        var updated = await main.ReadObjectAsync(ct);
        Assert.Equal("green", (string?)updated["spec"]!["color"]);
        Assert.Equal("Ready", (string?)updated["status"]!["phase"]);
        Assert.Equal(2, (long?)updated["metadata"]!["generation"]);
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_the_replica_paths()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        (await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("one").ToJsonString()), ct)).EnsureSuccessStatusCode();
        (await http.PatchAsync(Widgets + "/one/status",
            ApiTestSupport.Json("{\"status\":{\"replicas\":1,\"selector\":\"app=one\"}}", "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();

        using var patch = await http.PatchAsync(Widgets + "/one/scale", ApiTestSupport.Json("{\"spec\":{\"replicas\":4}}", "application/merge-patch+json"), ct);
        var scale = await patch.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("autoscaling/v1", (string?)scale["apiVersion"]);
        Assert.Equal(4, (int?)scale["spec"]!["replicas"]);
        Assert.Equal(1, (int?)scale["status"]!["replicas"]);
        Assert.Equal("app=one", (string?)scale["status"]!["selector"]);
        var read = await (await http.GetAsync(Widgets + "/one", ct)).ReadObjectAsync(ct);
        Assert.Equal(4, (int?)read["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Table_has_the_printer_columns_and_a_version_without_columns_has_name_and_age()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        var widget = CrdFixtures.Widget("one", color: "blue");
        widget["spec"]!["ports"] = JsonNode.Parse("[{\"name\":\"http\",\"port\":80},{\"name\":\"https\",\"port\":443}]");
        (await http.PostAsync(Widgets, ApiTestSupport.Json(widget.ToJsonString()), ct)).EnsureSuccessStatusCode();

        var table = await GetTableAsync(http, Widgets, ct);

        Assert.Equal(["Name", "Color", "Replicas", "Ports", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(1, (int?)table["columnDefinitions"]![3]!["priority"]);
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("one", (string?)cells[0]);
        Assert.Equal("blue", (string?)cells[1]);
        Assert.Equal(1, (int?)cells[2]);
        Assert.Equal("http https", (string?)cells[3]);
        Assert.EndsWith("s", (string?)cells[4], StringComparison.Ordinal);

        var plain = CrdFixtures.Widgets(withBeta: false);
        plain["metadata"]!["name"] = "gadgets.example.com";
        plain["spec"]!["names"] = new JsonObject { ["plural"] = "gadgets", ["kind"] = "Gadget" };
        plain["spec"]!["versions"]![0]!.AsObject().Remove("additionalPrinterColumns");
        (await http.PostAsync(Crds, ApiTestSupport.Json(plain.ToJsonString()), ct)).EnsureSuccessStatusCode();
        var gadgets = await GetTableAsync(http, "apis/example.com/v1/gadgets", ct);
        Assert.Equal(["Name", "Age"], gadgets["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("date", (string?)gadgets["columnDefinitions"]![1]!["type"]);
    }

    [Fact]
    public async Task OpenApi_v3_offers_no_strategic_merge_patch_for_a_custom_resource_and_does_for_built_ins()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;

        var custom = JsonNode.Parse(await http.GetStringAsync("/openapi/v3/apis/example.com/v1", ct))!;
        var core = JsonNode.Parse(await http.GetStringAsync("/openapi/v3/api/v1", ct))!;

        Assert.Equal(["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"],
            custom["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.Equal(["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"],
            core["paths"]!["/api/v1/namespaces/{namespace}/configmaps/{name}"]!["patch"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task Strategic_merge_patch_is_415_while_merge_json_patch_and_apply_work()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        (await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("one").ToJsonString()), ct)).EnsureSuccessStatusCode();

        using var smp = await http.PatchAsync(Widgets + "/one", ApiTestSupport.Json("{\"spec\":{\"color\":\"blue\"}}", "application/strategic-merge-patch+json"), ct);
        await smp.AssertStatusAsync(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", ct);
        using var jsonPatch = await http.PatchAsync(Widgets + "/one",
            ApiTestSupport.Json("[{\"op\":\"replace\",\"path\":\"/spec/color\",\"value\":\"blue\"}]", "application/json-patch+json"), ct);
        Assert.Equal("blue", (string?)(await jsonPatch.ReadObjectAsync(ct))["spec"]!["color"]);
        using var apply = await http.PatchAsync(Widgets + "/two?fieldManager=test",
            ApiTestSupport.Json("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: two\nspec:\n  color: green\n", "application/apply-patch+yaml"), ct);
        Assert.Equal(HttpStatusCode.Created, apply.StatusCode);
        Assert.Equal("10cm", (string?)(await apply.ReadObjectAsync(ct))["spec"]!["size"]);
    }

    [Fact]
    public async Task Older_version_reads_and_writes_with_its_apiVersion_one_version_is_stored_and_deprecation_is_warned()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        const string beta = "apis/example.com/v1beta1/namespaces/default/widgets";

        using var create = await http.PostAsync(beta, ApiTestSupport.Json(CrdFixtures.Widget("one", "example.com/v1beta1").ToJsonString()), ct);
        var created = await create.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal("example.com/v1beta1", (string?)created["apiVersion"]);
        Assert.Contains("299 - \"example.com/v1beta1 Widget is deprecated\"", create.Headers.GetValues("Warning"));
        Assert.Equal("example.com/v1", (string?)(await (await http.GetAsync(Widgets + "/one", ct)).ReadObjectAsync(ct))["apiVersion"]);
        var list = await (await http.GetAsync(beta, ct)).ReadObjectAsync(ct);
        Assert.Equal("example.com/v1beta1", (string?)list["items"]![0]!["apiVersion"]);
        using var patch = await http.PatchAsync(beta + "/one", ApiTestSupport.Json("{\"spec\":{\"color\":\"blue\"}}", "application/merge-patch+json"), ct);
        Assert.Equal("example.com/v1beta1", (string?)(await patch.ReadObjectAsync(ct))["apiVersion"]);
        var discovery = await (await http.GetAsync("apis/example.com", ct)).ReadObjectAsync(ct);
        Assert.Equal("example.com/v1", (string?)discovery["preferredVersion"]!["groupVersion"]);
    }

    [Fact]
    public async Task Selectable_field_filters_lists_and_unknown_field_selectors_are_refused()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        (await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("red").ToJsonString()), ct)).EnsureSuccessStatusCode();
        (await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("blue", color: "blue").ToJsonString()), ct)).EnsureSuccessStatusCode();

        var list = await (await http.GetAsync(Widgets + "?fieldSelector=spec.color%3Dblue", ct)).ReadObjectAsync(ct);
        using var unknown = await http.GetAsync(Widgets + "?fieldSelector=spec.size%3D1m", ct);

        Assert.Equal(["blue"], list["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Cluster_scoped_custom_resources_watch_and_deletecollection()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct, scope: "Cluster");
        await using var _ = cluster;
        using var __ = http;
        const string all = "apis/example.com/v1/widgets";
        (await http.PostAsync(all, ApiTestSupport.Json(CrdFixtures.Widget("one", ns: null).ToJsonString()), ct)).EnsureSuccessStatusCode();

        await using var events = http.WatchAsync(all + "?watch=true&resourceVersion=0", ct).GetAsyncEnumerator(ct);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("ADDED/one", events.Current.Type() + "/" + events.Current.ObjectName());
        using var deleted = await http.DeleteAsync(all, ct);
        Assert.True(await events.MoveNextAsync());

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("DELETED/one", events.Current.Type() + "/" + events.Current.ObjectName());
        Assert.Empty((await (await http.GetAsync(all, ct)).ReadObjectAsync(ct))["items"]!.AsArray());
        using var namespaced = await http.GetAsync(Widgets, ct);
        Assert.Equal(HttpStatusCode.NotFound, namespaced.StatusCode);
    }

    [Fact]
    public async Task OpenApi_v3_publishes_the_crd_schema_and_drops_it_with_the_crd()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var before = await (await http.GetAsync("openapi/v3", ct)).ReadObjectAsync(ct);
        Assert.Null(before["paths"]!["apis/example.com/v1"]);

        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        var root = await (await http.GetAsync("openapi/v3", ct)).ReadObjectAsync(ct);
        var url = (string?)root["paths"]!["apis/example.com/v1"]!["serverRelativeURL"];
        var document = await (await http.GetAsync(url!.TrimStart('/'), ct)).ReadObjectAsync(ct);

        var schema = document["components"]!["schemas"]!["com.example.v1.Widget"]!;
        Assert.Equal("The colour.", (string?)schema["properties"]!["spec"]!["properties"]!["color"]!["description"]);
        Assert.Equal("Widget", (string?)schema["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.Equal((string?)before["paths"]!["api/v1"]!["serverRelativeURL"], (string?)root["paths"]!["api/v1"]!["serverRelativeURL"]);
        (await http.DeleteAsync(Crds + "/widgets.example.com", ct)).EnsureSuccessStatusCode();
        await CustomResourceDefinitionApiTests.EventuallyAsync(
            async () => (await (await http.GetAsync("openapi/v3", ct)).ReadObjectAsync(ct))["paths"]!["apis/example.com/v1"] is null, ct);
    }

    [Fact]
    public async Task Create_while_the_crd_is_terminating_is_refused()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var (cluster, http) = await StartWithWidgetsAsync(ct);
        await using var _ = cluster;
        using var __ = http;
        var held = CrdFixtures.Widget("held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        (await http.PostAsync(Widgets, ApiTestSupport.Json(held.ToJsonString()), ct)).EnsureSuccessStatusCode();
        (await http.DeleteAsync(Crds + "/widgets.example.com", ct)).EnsureSuccessStatusCode();
        await CustomResourceDefinitionApiTests.EventuallyAsync(
            async () => (await (await http.GetAsync(Widgets + "/held", ct)).ReadObjectAsync(ct))["metadata"]!["deletionTimestamp"] is not null, ct);

        using var create = await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("new").ToJsonString()), ct);

        await create.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "create not allowed while custom resource definition is terminating", ct);
        (await http.PatchAsync(Widgets + "/held", ApiTestSupport.Json("{\"metadata\":{\"finalizers\":null}}", "application/merge-patch+json"), ct)).EnsureSuccessStatusCode();
        await CustomResourceDefinitionApiTests.EventuallyAsync(async () => (await http.GetAsync(Crds + "/widgets.example.com", ct)).StatusCode == HttpStatusCode.NotFound, ct);
    }

    [Fact]
    public async Task Crds_in_the_store_are_served_again_after_a_restart()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var dataDir = Directory.CreateTempSubdirectory("fakeapiserver-crd-").FullName;
        try
        {
            var options = new FakeClusterOptions { DataDir = dataDir };
            await using (var first = await FakeCluster.StartAsync(options, ct))
            {
                using var http = first.Http();
                (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
                (await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("kept").ToJsonString()), ct)).EnsureSuccessStatusCode();
            }

            await using var second = await FakeCluster.StartAsync(options, ct);
            using var again = second.Http();
            var kept = await (await again.GetAsync(Widgets + "/kept", ct)).ReadObjectAsync(ct);
            Assert.Equal("red", (string?)kept["spec"]!["color"]);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Validation_rules_refuse_with_their_message_and_rules_the_server_cannot_evaluate_are_warned()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var crd = CrdFixtures.Widgets(withBeta: false);
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["x-kubernetes-validations"] =
            JsonNode.Parse("""[{"rule":"self.replicas <= 10","message":"at most 10 replicas"},{"rule":"self.color.frobnicate()"}]""");
        using var crdCreate = await http.PostAsync(Crds, ApiTestSupport.Json(crd.ToJsonString()), ct);
        Assert.Equal(HttpStatusCode.Created, crdCreate.StatusCode);
        var widget = CrdFixtures.Widget("big");
        widget["spec"]!["replicas"] = 11;

        using var refused = await http.PostAsync(Widgets, ApiTestSupport.Json(widget.ToJsonString()), ct);
        using var accepted = await http.PostAsync(Widgets, ApiTestSupport.Json(CrdFixtures.Widget("small").ToJsonString()), ct);

        await refused.AssertStatusAsync((HttpStatusCode)422, "Invalid", "Widget.example.com \"big\" is invalid: spec: Invalid value: \"object\": at most 10 replicas", ct);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Contains(accepted.Headers.GetValues("Warning"), w => w.Contains("self.color.frobnicate()", StringComparison.Ordinal));
    }

    private static async Task<JsonObject> GetTableAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadObjectAsync(ct);
    }

    private static JsonNode? JsonElementToNode(object value) => JsonNode.Parse(KubernetesJson.Serialize(value));
}
