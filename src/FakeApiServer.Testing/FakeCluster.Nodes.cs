using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Testing;

/// <summary>Stopping and starting the kubelet of a simulated node, to see what the control plane does about it.</summary>
public sealed partial class FakeCluster
{
    /// <summary>
    /// The Node annotation that stops a simulated node's kubelet while it is "true": no lease renewals, no status
    /// heartbeats, no pod updates. The node lifecycle controller ("nodelifecycle") then marks the node Unknown after
    /// the grace period and taints it node.kubernetes.io/unreachable, and the taint-eviction-controller evicts its pods.
    /// </summary>
    public const string StoppedNodeAnnotation = "fakeapiserver.io/stopped";

    /// <summary>
    /// Stops the kubelet of a simulated node (sets <see cref="StoppedNodeAnnotation"/>), as if the machine went away:
    /// what follows runs on the cluster's clock (a fake TimeProvider moves it).
    /// </summary>
    /// <param name="name">The node, e.g. "fakeapiserver-worker".</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The node as stored.</returns>
    /// <exception cref="InvalidOperationException">The server refused the change (e.g. no such node).</exception>
    public Task<JsonObject> StopNodeAsync(string name, CancellationToken cancellationToken) => AnnotateNodeAsync(name, "true", cancellationToken);

    /// <summary>
    /// Starts the kubelet of a stopped simulated node again (removes <see cref="StoppedNodeAnnotation"/>): it renews its
    /// lease, reports Ready and syncs its pods at once, and the node lifecycle controller removes its taints.
    /// </summary>
    /// <param name="name">The node.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The node as stored.</returns>
    /// <exception cref="InvalidOperationException">The server refused the change (e.g. no such node).</exception>
    public Task<JsonObject> StartNodeAsync(string name, CancellationToken cancellationToken) => AnnotateNodeAsync(name, null, cancellationToken);

    private async Task<JsonObject> AnnotateNodeAsync(string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [StoppedNodeAnnotation] = value } } };
        using var content = new StringContent(patch.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri("/api/v1/nodes/" + Uri.EscapeDataString(name), UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Annotating node {name} failed with {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException("The server answered a patch with no object: " + body);
    }
}
