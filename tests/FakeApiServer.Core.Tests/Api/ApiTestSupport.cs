using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Api;

/// <summary>What the API tests share: a raw HTTP client for requests the KubernetesClient cannot express, and readers of Status bodies and watch streams.</summary>
internal static class ApiTestSupport
{
    /// <summary>The per-test budget of every API test.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static HttpClient Http(this FakeCluster cluster) => new() { BaseAddress = cluster.BaseAddress };

    public static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, IDictionary<string, string>? data = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = data ?? new Dictionary<string, string> { ["a"] = "1" },
    };

    public static V1Pod Pod(string name, string? nodeName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { NodeName = nodeName, Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
    };

    public static V1Deployment Deployment(string name, int replicas = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
            },
        },
    };

    public static async Task AddNamespaceAsync(this FakeCluster cluster, string name, CancellationToken cancellationToken) =>
        await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken);

    public static StringContent Json(string json, string contentType = "application/json") => new(json, Encoding.UTF8, contentType);

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException("not a JSON object: " + text);
    }

    /// <summary>Asserts a Failure Status with the code, reason and message, and returns it for further checks.</summary>
    public static async Task<JsonObject> AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode code, string reason, string? message, CancellationToken cancellationToken)
    {
        Assert.Equal(code, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var status = await response.ReadObjectAsync(cancellationToken);
        AssertStatus(status, (int)code, reason, message);
        return status;
    }

    /// <summary>The Status an HttpOperationException from the KubernetesClient carries, checked for code, reason and message.</summary>
    public static JsonObject AssertStatus(this HttpOperationException error, HttpStatusCode code, string reason, string? message)
    {
        Assert.Equal(code, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content) as JsonObject ?? throw new InvalidOperationException("not a Status: " + error.Response.Content);
        AssertStatus(status, (int)code, reason, message);
        return status;
    }

    private static void AssertStatus(JsonObject status, int code, string reason, string? message)
    {
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Equal(code, (int?)status["code"]);
        if (message is not null)
        {
            Assert.Equal(message, (string?)status["message"]);
        }
    }

    /// <summary>Opens a raw watch and yields its events, one JSON line each, until the server closes the stream.</summary>
    public static async IAsyncEnumerable<JsonObject> WatchAsync(this HttpClient http, string url, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return JsonNode.Parse(line) as JsonObject ?? throw new InvalidOperationException("not a watch event: " + line);
        }
    }

    public static string Type(this JsonObject watchEvent) => (string?)watchEvent["type"] ?? "";

    public static string ObjectName(this JsonObject watchEvent) => (string?)watchEvent["object"]?["metadata"]?["name"] ?? "";
}
