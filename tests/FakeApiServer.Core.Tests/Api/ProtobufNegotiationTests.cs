using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Apis.ApiExtensions;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// Content negotiation with application/vnd.kubernetes.protobuf through a raw HTTP client, as client-go's typed
/// clients do it: Accept "protobuf, json" for get, list and watch; protobuf bodies for create, update, delete options and
/// subresources. Answers are decoded with the server's own codec and checked against what the JSON API says.
/// </summary>
public sealed class ProtobufNegotiationTests
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private const string TypedClientAccept = "application/vnd.kubernetes.protobuf, application/json";
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    [Fact]
    public async Task Get_and_list_answer_protobuf_that_decodes_to_what_the_JSON_api_answers()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("two"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var get = await SendAsync(http, HttpMethod.Get, ConfigMaps + "/one", TypedClientAccept, null, ct);
        using var list = await SendAsync(http, HttpMethod.Get, ConfigMaps, TypedClientAccept, null, ct);
        var jsonBytes = await (await http.GetAsync(ConfigMaps + "/one", ct)).Content.ReadAsByteArrayAsync(ct);
        var json = (JsonObject)JsonNode.Parse(jsonBytes)!;
        var jsonList = (JsonObject)JsonNode.Parse(await (await http.GetAsync(ConfigMaps, ct)).Content.ReadAsByteArrayAsync(ct))!;

        // The server wraps cached messages in envelopes itself: byte for byte what the codec writes for the same JSON.
        Assert.Equal(Codec.Encode("v1", "ConfigMap", jsonBytes), await get.Content.ReadAsByteArrayAsync(ct));
        var expectedList = new System.Buffers.ArrayBufferWriter<byte>();
        Codec.EncodeList(expectedList, "v1", "ConfigMapList", "ConfigMap", Encoding.UTF8.GetBytes(jsonList["metadata"]!.ToJsonString()),
            jsonList["items"]!.AsArray().Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(i!.ToJsonString())));
        Assert.Equal(expectedList.WrittenSpan.ToArray(), await list.Content.ReadAsByteArrayAsync(ct));

        var one = await DecodeAsync(get, HttpStatusCode.OK, ct);
        Assert.Equal("v1", (string?)one["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)one["kind"]);
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            Assert.Equal((string?)json["metadata"]![field], (string?)one["metadata"]![field]);
        }

        Assert.True(JsonNode.DeepEquals(json["data"], one["data"]));
        Assert.True(JsonNode.DeepEquals(json["metadata"]!["labels"], one["metadata"]!["labels"]));

        var items = await DecodeAsync(list, HttpStatusCode.OK, ct);
        Assert.Equal("ConfigMapList", (string?)items["kind"]);
        Assert.Equal(["one", "two"], items["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.False(string.IsNullOrEmpty((string?)items["metadata"]!["resourceVersion"]));
    }

    [Fact]
    public async Task Json_first_Tables_and_custom_resources_stay_json_and_protobuf_alone_for_a_custom_resource_is_406()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync("apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        (await http.PostAsync("apis/example.com/v1/namespaces/default/widgets", Json(CrdFixtures.Widget("w").ToJsonString()), ct)).EnsureSuccessStatusCode();
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), "default", cancellationToken: ct);

        using var jsonFirst = await SendAsync(http, HttpMethod.Get, ConfigMaps + "/one", "application/json, " + Protobuf, null, ct);
        using var table = await SendAsync(http, HttpMethod.Get, ConfigMaps, Protobuf + ";as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io", null, ct);
        using var widget = await SendAsync(http, HttpMethod.Get, "/apis/example.com/v1/namespaces/default/widgets/w", TypedClientAccept, null, ct);
        using var widgetOnlyProtobuf = await SendAsync(http, HttpMethod.Get, "/apis/example.com/v1/namespaces/default/widgets/w", Protobuf, null, ct);

        Assert.Equal("application/json", jsonFirst.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Table", (string?)(await table.ReadObjectAsync(ct))["kind"]);
        Assert.Equal("application/json", widget.Content.Headers.ContentType?.MediaType);
        Assert.Equal("w", (string?)(await widget.ReadObjectAsync(ct))["metadata"]!["name"]);

        // The error itself is a Status, which has a protobuf form everywhere.
        var notAcceptable = await DecodeAsync(widgetOnlyProtobuf, HttpStatusCode.NotAcceptable, ct);
        Assert.Equal("NotAcceptable", (string?)notAcceptable["reason"]);
        Assert.Equal("only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf", (string?)notAcceptable["message"]);
    }

    [Fact]
    public async Task Errors_are_protobuf_Status_objects_when_protobuf_is_preferred()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var missing = await SendAsync(http, HttpMethod.Get, ConfigMaps + "/nope", TypedClientAccept, null, ct);

        var status = await DecodeAsync(missing, HttpStatusCode.NotFound, ct);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal("configmaps \"nope\" not found", (string?)status["message"]);
        Assert.Equal(404, (int?)status["code"]);
    }

    [Fact]
    public async Task Create_update_and_delete_take_protobuf_bodies()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var configMap = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "pb" }, ["data"] = new JsonObject { ["color"] = "blue" } };

        // An envelope with empty apiVersion and kind takes them from the endpoint, as upstream's decoder defaults them.
        using var created = await SendAsync(http, HttpMethod.Post, ConfigMaps, TypedClientAccept, Encode("", "", "v1", "ConfigMap", configMap), ct);
        var stored = await DecodeAsync(created, HttpStatusCode.Created, ct);
        Assert.Equal("blue", (string?)stored["data"]!["color"]);
        Assert.Equal("ConfigMap", (string?)stored["kind"]);
        stored["data"]!["color"] = "green";
        using var updated = await SendAsync(http, HttpMethod.Put, ConfigMaps + "/pb", "application/json", Encode("v1", "ConfigMap", stored), ct);
        var afterUpdate = await updated.ReadObjectAsync(ct);

        // DeleteOptions may name any apiVersion; a uid precondition that does not match proves the body was read.
        var wrongUid = new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = "not-the-uid" } };
        using var refused = await SendAsync(http, HttpMethod.Delete, ConfigMaps + "/pb", "application/json", Encode("v1", "DeleteOptions", wrongUid), ct);
        var rightUid = new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = (string?)stored["metadata"]!["uid"] } };
        using var deleted = await SendAsync(http, HttpMethod.Delete, ConfigMaps + "/pb", TypedClientAccept, Encode("meta.k8s.io/v1", "DeleteOptions", rightUid), ct);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("green", (string?)afterUpdate["data"]!["color"]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Precondition failed: UID in precondition: not-the-uid", (string?)(await refused.ReadObjectAsync(ct))["message"], StringComparison.Ordinal);
        var success = await DecodeAsync(deleted, HttpStatusCode.OK, ct);
        Assert.Equal("Success", (string?)success["status"]);
        Assert.Equal("pb", (string?)success["details"]!["name"]);
        using var gone = await http.GetAsync(ConfigMaps + "/pb", ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Malformed_and_mismatched_protobuf_bodies_are_400_and_custom_resources_415()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        (await http.PostAsync("apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json(CrdFixtures.Widgets().ToJsonString()), ct)).EnsureSuccessStatusCode();
        var configMap = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x" } };

        using var notProtobuf = await SendAsync(http, HttpMethod.Post, ConfigMaps, "application/json", Encoding.UTF8.GetBytes("""{"metadata":{"name":"x"}}"""), ct);
        using var onlyMagic = await SendAsync(http, HttpMethod.Post, ConfigMaps, "application/json", "k8s\0"u8.ToArray(), ct);
        using var unknownVersion = await SendAsync(http, HttpMethod.Post, ConfigMaps, "application/json", Encode("v2", "ConfigMap", "v1", "ConfigMap", configMap), ct);
        using var otherVersion = await SendAsync(http, HttpMethod.Post, "/apis/events.k8s.io/v1/namespaces/default/events", "application/json", Encode("v1", "Event", configMap), ct);
        using var widget = await SendAsync(http, HttpMethod.Post, "/apis/example.com/v1/namespaces/default/widgets", "application/json", Encode("v1", "ConfigMap", configMap), ct);

        await notProtobuf.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({\"metadata\":{\"name\":\"x\"}})", ct);
        await onlyMagic.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)", ct);
        await unknownVersion.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest",
            "ConfigMap in version \"v2\" cannot be handled as a ConfigMap: no kind \"ConfigMap\" is registered for version \"v2\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"", ct);
        await otherVersion.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "the API version in the data (v1) does not match the expected API version (events.k8s.io/v1)", ct);
        await widget.AssertStatusAsync(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", ct);
    }

    [Fact]
    public async Task Scale_is_read_and_written_in_protobuf()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);
        using var http = cluster.Http();
        const string scalePath = "/apis/apps/v1/namespaces/default/deployments/web/scale";

        using var read = await SendAsync(http, HttpMethod.Get, scalePath, TypedClientAccept, null, ct);
        var scale = await DecodeAsync(read, HttpStatusCode.OK, ct);
        scale["spec"] = new JsonObject { ["replicas"] = 5 };
        using var written = await SendAsync(http, HttpMethod.Put, scalePath, TypedClientAccept, Encode("autoscaling/v1", "Scale", scale), ct);
        var after = await DecodeAsync(written, HttpStatusCode.OK, ct);

        Assert.Equal("autoscaling/v1", (string?)scale["apiVersion"]);
        Assert.Equal("Scale", (string?)scale["kind"]);
        Assert.Equal(5, (int?)after["spec"]!["replicas"]);
        Assert.Equal(5, (await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Watch_streams_length_prefixed_frames_with_the_initial_events_end_bookmark()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        var events = new List<JsonObject>();

        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await foreach (var e in WatchAsync(http, ConfigMaps + "?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", watchCts.Token))
        {
            events.Add(e);
            if (events.Count == 2)
            {
                await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("two"), "default", cancellationToken: ct);
            }

            if (events.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["ADDED one", "BOOKMARK ", "ADDED two"], events.Select(e => (string?)e["type"] + " " + (string?)e["object"]!["metadata"]!["name"]));
        Assert.Equal("ConfigMap", (string?)events[1]["object"]!["kind"]);
        Assert.Equal("true", (string?)events[1]["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]);
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_sends_one_ERROR_frame_with_a_410_Status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { HistoryWindow = 5 }, ct);
        var first = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        for (var i = 0; i < 20; i++)
        {
            await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: ct);
        }

        using var http = cluster.Http();
        var events = new List<JsonObject>();
        await foreach (var e in WatchAsync(http, $"{ConfigMaps}?watch=true&resourceVersion={first.Metadata.ResourceVersion}", ct))
        {
            events.Add(e);
        }

        var only = Assert.Single(events);
        Assert.Equal("ERROR", (string?)only["type"]);
        Assert.Equal("Status", (string?)only["object"]!["kind"]);
        Assert.Equal("Expired", (string?)only["object"]!["reason"]);
        Assert.Equal(410, (int?)only["object"]!["code"]);
    }

    [Fact]
    public async Task Legacy_discovery_answers_protobuf_when_preferred_and_version_stays_json()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var api = await SendAsync(http, HttpMethod.Get, "/api", TypedClientAccept, null, ct);
        using var resources = await SendAsync(http, HttpMethod.Get, "/apis/apps/v1", TypedClientAccept, null, ct);
        using var version = await SendAsync(http, HttpMethod.Get, "/version", TypedClientAccept, null, ct);
        using var groupsJson = await SendAsync(http, HttpMethod.Get, "/apis", "application/json", null, ct);

        var versions = await DecodeAsync(api, HttpStatusCode.OK, ct);
        var appsResources = await DecodeAsync(resources, HttpStatusCode.OK, ct);
        Assert.Equal("APIVersions", (string?)versions["kind"]);
        Assert.Equal("v1", (string?)versions["versions"]![0]);
        Assert.Equal("APIResourceList", (string?)appsResources["kind"]);
        Assert.Contains(appsResources["resources"]!.AsArray(), r => (string?)r!["name"] == "deployments");
        Assert.Equal("application/json", version.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", groupsJson.Content.Headers.ContentType?.MediaType);
        Assert.Equal("APIGroupList", (string?)(await groupsJson.ReadObjectAsync(ct))["kind"]);
    }

    private static byte[] Encode(string apiVersion, string kind, JsonObject obj) => Encode(apiVersion, kind, apiVersion, kind, obj);

    /// <summary>A protobuf body whose envelope says <paramref name="envelopeApiVersion"/>/<paramref name="envelopeKind"/> around the message of <paramref name="messageKind"/>.</summary>
    private static byte[] Encode(string envelopeApiVersion, string envelopeKind, string messageApiVersion, string messageKind, JsonObject obj)
    {
        var message = new System.Buffers.ArrayBufferWriter<byte>();
        Codec.EncodeMessage(message, messageApiVersion, messageKind, Encoding.UTF8.GetBytes(obj.ToJsonString()));
        var envelope = new List<byte>("k8s\0"u8.ToArray());
        var typeMeta = new List<byte>();
        AddString(typeMeta, 1, envelopeApiVersion);
        AddString(typeMeta, 2, envelopeKind);
        AddBytes(envelope, 1, [.. typeMeta]);
        AddBytes(envelope, 2, message.WrittenSpan.ToArray());
        AddString(envelope, 3, "");
        AddString(envelope, 4, "");
        return [.. envelope];
    }

    private static void AddString(List<byte> to, int field, string value) => AddBytes(to, field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field, written by hand from the wire format so the envelope does not depend on the codec under test.</summary>
    private static void AddBytes(List<byte> to, int field, byte[] value)
    {
        AddVarint(to, (ulong)((field << 3) | 2));
        AddVarint(to, (ulong)value.Length);
        to.AddRange(value);
    }

    private static void AddVarint(List<byte> to, ulong value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string accept, byte[]? protobufBody, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (protobufBody is not null)
        {
            request.Content = new ByteArrayContent(protobufBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        }

        return await http.SendAsync(request, ct);
    }

    private static async Task<JsonObject> DecodeAsync(HttpResponseMessage response, HttpStatusCode code, CancellationToken ct)
    {
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.True(response.StatusCode == code, $"expected {code}, got {response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.ToString());
        Assert.True(body.AsSpan().StartsWith("k8s\0"u8), "no protobuf magic");
        return Codec.Decode(body);
    }

    /// <summary>Reads a protobuf watch stream: 4-byte big-endian lengths, each followed by a WatchEvent, decoded to JSON.</summary>
    private static async IAsyncEnumerable<JsonObject> WatchAsync(HttpClient http, string path, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", TypedClientAccept);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Protobuf + ";stream=watch", response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var length = new byte[4];
        while (await ReadFullyAsync(stream, length, ct))
        {
            var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(length)];
            Assert.True(await ReadFullyAsync(stream, frame, ct), "a frame cut short");
            yield return Codec.DecodeWatchEvent(frame);
        }
    }

    private static async Task<bool> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                Assert.True(read == 0, "the stream ended inside a frame");
                return false;
            }

            read += n;
        }

        return true;
    }
}
