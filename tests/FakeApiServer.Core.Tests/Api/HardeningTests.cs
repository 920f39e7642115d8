using System.Net;
using System.Text;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>The reproductions of issue 24 (bad input found by trying to break the server), each answering as upstream.</summary>
public sealed class HardeningTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: rec, labels: *m}\n", "m")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rec}\nx: &a [*a]\n", "a")]
    public async Task Recursive_yaml_alias_returns_400_and_the_server_keeps_serving(string yaml, string anchor)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var created = await http.PostAsync(ConfigMaps, Json(yaml, "application/yaml"), ct);
        using var after = await http.GetAsync(ConfigMaps, ct);

        await created.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", $"error converting YAML to JSON: yaml: anchor '{anchor}' value contains itself", ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Recursive_yaml_alias_in_an_apply_patch_returns_400()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var request = new HttpRequestMessage(HttpMethod.Patch, ConfigMaps + "/rec?fieldManager=test")
        {
            Content = Json("apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: rec, labels: *m}\n", "application/apply-patch+yaml"),
        };

        using var response = await http.SendAsync(request, ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "error decoding YAML: error converting YAML to JSON: yaml: anchor 'm' value contains itself", ct);
    }

    [Fact]
    public async Task Json_patch_copies_are_capped_at_3_MiB_in_total()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, $$$"""{"metadata":{"name":"big"},"data":{"x":"{{{new string('v', 200_000)}}}"}}""", ct);
        var ops = "[" + string.Join(",", Enumerable.Range(0, 16).Select(i => $$"""{"op":"copy","from":"/data/x","path":"/data/y{{i}}"}""")) + "]";

        using var response = await PatchAsync(http, ConfigMaps + "/big", ops, "application/json-patch+json", ct);

        // 16 copies of a 200,002-byte JSON string: the 16th passes upstream's JSONPatchMaxCopyBytes.
        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Unable to complete the copy, the accumulated size increase of copy is 3200032, exceeding the limit 3145728", ct);
    }

    [Fact]
    public async Task Doubling_json_patch_copies_are_refused_after_10000_copied_values()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"amp"},"data":{"x":"0123456789012345678901234567890123456789012345678901234567890123"}}""", ct);
        var ops = new StringBuilder("[");
        for (var i = 0; i < 20; i++)
        {
            ops.Append(i == 0 ? "" : ",").Append("""{"op":"copy","from":"/data","path":"/metadata/annotations"},{"op":"copy","from":"/metadata/annotations","path":"/data/c""").Append(i).Append("\"}");
        }

        using var response = await PatchAsync(http, ConfigMaps + "/amp", ops.Append(']').ToString(), "application/json-patch+json", ct);
        using var after = await http.GetAsync(ConfigMaps + "/amp", ct);

        // Well under 3 MiB of JSON, but tens of thousands of small values: refused before they are materialised.
        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Unable to complete the copy, the accumulated number of copied values exceeds the limit 10000", ct);
        Assert.DoesNotContain("\"c0\":", await after.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_and_headers_up_to_go_s_1_MiB_header_limit_are_served()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        // 100 KB of label selector: over Kestrel's default 8 KiB request line, under kube-apiserver's 1 MiB.
        var selector = string.Join(",", Enumerable.Range(0, 5000).Select(i => $"k{i}=v{i}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ConfigMaps}?labelSelector={selector}");
        request.Headers.Add("X-Long", new string('h', 100_000));

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"kind\":\"ConfigMapList\"", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_patch_of_more_than_10000_operations_returns_413()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"ops"}}""", ct);
        var ops = "[" + string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/kind","value":"ConfigMap"}""", 10_001)) + "]";

        using var response = await PatchAsync(http, ConfigMaps + "/ops", ops, "application/json-patch+json", ct);

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge",
            "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001", ct);
    }

    [Theory]
    [InlineData("""[{"op":5,"path":"/data"}]""", "", HttpStatusCode.BadRequest, "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string")]
    [InlineData("""[{"op":"add","path":5,"value":1}]""", "", HttpStatusCode.BadRequest, "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string")]
    [InlineData("""[{"op":5,"path":"/data"}]""", "?fieldValidation=Ignore", HttpStatusCode.UnprocessableEntity, "Unexpected kind: unknown")]
    [InlineData("""[{"op":"add","path":5,"value":1}]""", "?fieldValidation=Ignore", HttpStatusCode.UnprocessableEntity, "add operation failed to decode path: missing value")]
    [InlineData("""[{"op":"move","from":true,"path":"/data"}]""", "?fieldValidation=Ignore", HttpStatusCode.UnprocessableEntity, "move operation failed to decode from: json: cannot unmarshal bool into Go value of type string")]
    public async Task Json_patch_with_non_string_op_path_or_from_is_refused_as_upstream(string patch, string query, HttpStatusCode code, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"op"}}""", ct);

        using var response = await PatchAsync(http, ConfigMaps + "/op" + query, patch, "application/json-patch+json", ct);

        await response.AssertStatusAsync(code, code == HttpStatusCode.BadRequest ? "BadRequest" : "Invalid", message, ct);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":5}}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string")]
    [InlineData("""{"metadata":{"name":"t","labels":{"a":5}}}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"metadata":{"name":"t","annotations":[]}}""", "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string")]
    [InlineData("""{"metadata":{"name":"t","finalizers":"a"}}""", "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string")]
    [InlineData("""{"metadata":{"name":"t","ownerReferences":[{"name":5}]}}""", "json: cannot unmarshal number into Go struct field OwnerReference.metadata.ownerReferences.name of type string")]
    [InlineData("""{"metadata":{"name":"t"},"data":{"a":true}}""", "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string")]
    [InlineData("""{"metadata":{"name":"t"},"binaryData":{"a":5}}""", "json: cannot unmarshal number into Go struct field ConfigMap.binaryData of type []uint8")]
    [InlineData("""{"metadata":{"name":"t"},"immutable":"yes"}""", "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool")]
    public async Task Create_with_a_wrong_json_type_returns_400_and_stores_nothing(string body, string error)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(ConfigMaps, Json(body), ct);
        using var list = await http.GetAsync(ConfigMaps, ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: " + error, ct);
        Assert.Empty((await list.ReadObjectAsync(ct))["items"]!.AsArray());
    }

    [Fact]
    public async Task Role_rules_with_a_wrong_json_type_return_400_on_update()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        const string roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles";
        using var created = await http.PostAsync(roles, Json("""{"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var response = await http.PutAsync(roles + "/r", Json("""{"metadata":{"name":"r"},"rules":[{"verbs":"get"}]}"""), ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "Role in version \"v1\" cannot be handled as a Role: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string", ct);
    }

    [Fact]
    public async Task Merge_patch_with_a_wrong_json_type_returns_422_on_the_patch_field()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"m"}}""", ct);

        using var response = await PatchAsync(http, ConfigMaps + "/m", """{"metadata":{"name":5}}""", "application/merge-patch+json", ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", null, ct);
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"v1\\\",", (string?)status["message"], StringComparison.Ordinal);
        Assert.EndsWith("\": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal("patch", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Strategic_merge_patch_with_a_wrong_json_type_returns_422_with_the_converter_error()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"s"}}""", ct);

        using var response = await PatchAsync(http, ConfigMaps + "/s", """{"metadata":{"labels":"x"}}""", "application/strategic-merge-patch+json", ct);

        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            " \"\" is invalid: patch: Invalid value: \"map[metadata:map[labels:x]]\": cannot restore map from string", ct);
    }

    [Fact]
    public async Task Apply_with_a_wrong_json_type_returns_400_and_stores_nothing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await PatchAsync(http, ConfigMaps + "/a?fieldManager=test",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":5}}""", "application/apply-patch+yaml", ct);
        using var get = await http.GetAsync(ConfigMaps + "/a", ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "failed to create typed patch object (default/a; /v1, Kind=ConfigMap): .data.k: expected string, got &value.valueUnstructured{Value:5}", ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData("""{"preconditions":5}""", "json: cannot unmarshal number into Go struct field DeleteOptions.preconditions of type v1.Preconditions")]
    [InlineData("""{"gracePeriodSeconds":"x"}""", "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64")]
    public async Task Delete_options_of_the_wrong_type_return_400_and_delete_nothing(string body, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"d"}}""", ct);
        using var request = new HttpRequestMessage(HttpMethod.Delete, ConfigMaps + "/d") { Content = Json(body) };

        using var response = await http.SendAsync(request, ct);
        using var get = await http.GetAsync(ConfigMaps + "/d", ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", message, ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Theory]
    [InlineData("""{"$patch":5}""", HttpStatusCode.UnprocessableEntity, "unknown patch type: %!s(int64=5) in map: map[$patch:5]")]
    [InlineData("""{"metadata":{"$retainKeys":"x"}}""", HttpStatusCode.BadRequest, "invalid patch format of retainKeys")]
    [InlineData("""{"$setElementOrder/finalizers":5}""", HttpStatusCode.UnprocessableEntity, "expected a slice, but received a int64")]
    public async Task Strategic_merge_patch_directive_misuse_is_refused(string patch, HttpStatusCode code, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"p"}}""", ct);

        using var response = await PatchAsync(http, ConfigMaps + "/p", patch, "application/strategic-merge-patch+json", ct);

        await response.AssertStatusAsync(code, code == HttpStatusCode.BadRequest ? "BadRequest" : "Invalid", message, ct);
    }

    [Fact]
    public async Task A_patch_cannot_set_deletionTimestamp()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await CreateAsync(http, """{"metadata":{"name":"dt"}}""", ct);

        using var response = await PatchAsync(http, ConfigMaps + "/dt", """{"metadata":{"deletionTimestamp":"2024-01-01T00:00:00Z"}}""", "application/merge-patch+json", ct);

        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid",
            "ConfigMap \"dt\" is invalid: metadata.deletionTimestamp: Invalid value: \"2024-01-01T00:00:00Z\": field is immutable", ct);
    }

    [Fact]
    public async Task Lone_surrogate_in_a_label_key_is_a_422_not_a_500()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(ConfigMaps, Json("""{"metadata":{"name":"s","labels":{"\ud800":"x"}}}"""), ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", null, ct);
        Assert.StartsWith("ConfigMap \"s\" is invalid: metadata.labels: Invalid value: \"\uFFFD\"", (string?)status["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"big"},"data":{"a":"DATA"}}""", "ConfigMap \"big\" is invalid: Too long: may not be more than 1048576 bytes")]
    [InlineData("/api/v1/namespaces/default/secrets", """{"metadata":{"name":"big"},"stringData":{"a":"DATA"}}""", "Secret \"big\" is invalid: data: Too long: may not be more than 1048576 bytes")]
    public async Task Data_over_1_MiB_returns_422(string collection, string body, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync(collection, Json(body.Replace("DATA", new string('x', (1024 * 1024) + 1), StringComparison.Ordinal)), ct);
        using var fits = await http.PostAsync(collection, Json(body.Replace("big", "fits", StringComparison.Ordinal).Replace("DATA", new string('x', 1024 * 1024), StringComparison.Ordinal)), ct);

        await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", message, ct);
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task Data_size_counts_the_bytes_of_the_decoded_values()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        // 1 MiB once unescaped (each \n is one byte; sent, two): fits. 1 MiB of two-byte characters and one more byte: too long.
        var escaped = string.Concat(Enumerable.Repeat("\\n", 1024 * 1024));
        using var fits = await http.PostAsync(ConfigMaps, Json($$$"""{"metadata":{"name":"escaped"},"data":{"a":"{{{escaped}}}"}}"""), ct);
        var wide = new string('\u00e9', 512 * 1024) + "x";
        using var tooLong = await http.PostAsync(ConfigMaps, Json($$$"""{"metadata":{"name":"wide"},"data":{"a":"{{{wide}}}"}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        await tooLong.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", "ConfigMap \"wide\" is invalid: Too long: may not be more than 1048576 bytes", ct);
    }

    private static async Task CreateAsync(HttpClient http, string body, CancellationToken ct)
    {
        using var created = await http.PostAsync(ConfigMaps, Json(body), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient http, string path, string body, string contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json(body, contentType) };
        return await http.SendAsync(request, ct);
    }
}
