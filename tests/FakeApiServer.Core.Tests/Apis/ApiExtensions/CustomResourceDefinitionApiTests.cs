using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;

namespace FakeApiServer.Tests.Apis.ApiExtensions;

/// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition as a resource: validation, status, names, table, deletion.</summary>
public sealed class CustomResourceDefinitionApiTests
{
    private const string Crds = "apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    [Fact]
    public async Task Create_answers_with_names_accepted_and_established_and_the_storage_version_stored()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct);
        var created = await response.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var status = created["status"]!;
        Assert.Equal(["NamesAccepted/True/NoConflicts", "Established/True/InitialNamesAccepted"],
            status["conditions"]!.AsArray().Select(c => $"{c!["type"]}/{c["status"]}/{c["reason"]}"));
        Assert.Equal("widgets", (string?)status["acceptedNames"]!["plural"]);
        Assert.Equal("WidgetList", (string?)status["acceptedNames"]!["listKind"]);
        Assert.Equal(["v1"], status["storedVersions"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("None", (string?)created["spec"]!["conversion"]!["strategy"]);
        var typed = await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.example.com", cancellationToken: ct);
        Assert.Contains(typed.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
    }

    [Fact]
    public async Task Name_claimed_by_another_crd_of_the_group_is_a_plural_conflict_and_nothing_is_served()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        var clash = CrdFixtures.Widgets(withBeta: false);
        clash["metadata"]!["name"] = "wd.example.com";
        clash["spec"]!["names"] = new JsonObject { ["plural"] = "wd", ["singular"] = "wdx", ["kind"] = "Wd" };

        using var response = await http.PostAsync(Crds, ApiTestSupport.Json(clash.ToJsonString()), ct);
        var created = await response.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var conditions = created["status"]!["conditions"]!.AsArray();
        Assert.Equal("False", (string?)conditions[0]!["status"]);
        Assert.Equal("PluralConflict", (string?)conditions[0]!["reason"]);
        Assert.Equal("\"wd\" is already in use", (string?)conditions[0]!["message"]);
        Assert.Equal("Established/False/NotAccepted", $"{conditions[1]!["type"]}/{conditions[1]!["status"]}/{conditions[1]!["reason"]}");
        using var list = await http.GetAsync("apis/example.com/v1/wd", ct);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task Invalid_crd_gets_422_with_upstream_messages()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var crd = CrdFixtures.Widgets();
        crd["metadata"]!["name"] = "widgets.other.com";
        crd["spec"]!["versions"]![1]!["storage"] = true;
        crd["spec"]!["scope"] = "Galaxy";

        using var response = await http.PostAsync(Crds, ApiTestSupport.Json(crd.ToJsonString()), ct);
        var status = await response.AssertStatusAsync((HttpStatusCode)422, "Invalid", null, ct);

        var message = (string?)status["message"] ?? "";
        Assert.StartsWith("CustomResourceDefinition.apiextensions.k8s.io \"widgets.other.com\" is invalid: [", message, StringComparison.Ordinal);
        Assert.Contains("metadata.name: Invalid value: \"widgets.other.com\": must be spec.names.plural+\".\"+spec.group", message, StringComparison.Ordinal);
        Assert.Contains("spec.scope: Unsupported value: \"Galaxy\": supported values: \"Cluster\", \"Namespaced\"", message, StringComparison.Ordinal);
        Assert.Contains("must have exactly one version marked as storage version", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_has_name_and_created_at()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, Crds);
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");

        using var response = await http.SendAsync(request, ct);
        var table = await response.ReadObjectAsync(ct);

        Assert.Equal(["Name", "Created At"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("widgets.example.com", (string?)cells[0]);
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", (string?)cells[1]);
    }

    [Fact]
    public async Task Delete_marks_the_crd_then_deletes_its_custom_resources_and_removes_the_kind_from_discovery()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(CrdFixtures.Widget("one"), "example.com", "v1", "default", "widgets", cancellationToken: ct);

        using var delete = await http.DeleteAsync(Crds + "/widgets.example.com", ct);
        var marked = await delete.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Contains("customresourcecleanup.apiextensions.k8s.io", marked["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
        Assert.Contains(marked["status"]!["conditions"]!.AsArray(), c => (string?)c!["type"] == "Terminating" && (string?)c["status"] == "True");
        await EventuallyAsync(async () => (await http.GetAsync(Crds + "/widgets.example.com", ct)).StatusCode == HttpStatusCode.NotFound, ct);
        await EventuallyAsync(async () => !(await http.GetStringAsync("apis", ct)).Contains("example.com", StringComparison.Ordinal), ct);
        using var resources = await http.GetAsync("apis/example.com/v1", ct);
        Assert.Equal(HttpStatusCode.NotFound, resources.StatusCode);

        // Created again, the kind starts empty: the old custom resources were deleted, not just hidden.
        (await http.PostAsync(Crds, ApiTestSupport.Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        using var list = await http.GetAsync("apis/example.com/v1/widgets", ct);
        Assert.Empty((await list.ReadObjectAsync(ct))["items"]!.AsArray());
    }

    internal static async Task EventuallyAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
