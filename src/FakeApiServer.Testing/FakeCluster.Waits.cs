using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace FakeApiServer.Testing;

/// <summary>Typed waits over the KubernetesClient models, driven by watches.</summary>
public sealed partial class FakeCluster
{
    /// <summary>How long the typed waits wait when not told.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until the object exists and meets <paramref name="condition"/>, in namespace "default" for a namespaced
    /// kind, for up to <see cref="DefaultWaitTimeout"/>.
    /// <code>var web = await cluster.WaitForAsync&lt;V1Deployment&gt;("web", d => d.Status?.ReadyReplicas == 3, ct);</code>
    /// </summary>
    /// <typeparam name="T">A KubernetesClient model (V1Deployment, V1Pod...), or a custom resource type with a KubernetesEntity attribute.</typeparam>
    /// <param name="name">The object's name.</param>
    /// <param name="condition">True when the object is as wanted.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The object as it met the condition.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state.</exception>
    public Task<T> WaitForAsync<T>(string name, Func<T, bool> condition, CancellationToken cancellationToken)
        where T : class, IKubernetesObject =>
        WaitForAsync(null, name, condition, DefaultWaitTimeout, cancellationToken);

    /// <summary>
    /// Waits until the object exists and meets <paramref name="condition"/>. The wait watches the object (a read, then a
    /// watch from its resourceVersion, again after the watch ends), so it wakes on each change, not on a poll.
    /// </summary>
    /// <typeparam name="T">A KubernetesClient model, or a custom resource type with a KubernetesEntity attribute.</typeparam>
    /// <param name="ns">The namespace ("default" when null); ignored for a cluster-scoped kind.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="condition">True when the object is as wanted.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The object as it met the condition.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state.</exception>
    public async Task<T> WaitForAsync<T>(string? ns, string name, Func<T, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(condition);
        var found = await WatchObjectAsync<T>(ns, name, o => o is not null && condition(Typed<T>(o)), "meet the condition", timeout, cancellationToken);
        return Typed<T>(found!);
    }

    /// <summary>
    /// Waits until the object has a status condition of <paramref name="type"/> with status <paramref name="status"/>
    /// (e.g. a Deployment's "Available" "True"), in namespace "default" for a namespaced kind.
    /// </summary>
    /// <typeparam name="T">A KubernetesClient model or custom resource type.</typeparam>
    /// <param name="name">The object's name.</param>
    /// <param name="type">The condition's type.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="status">The condition's wanted status.</param>
    /// <returns>The object as it met the condition.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state.</exception>
    public Task<T> WaitForConditionAsync<T>(string name, string type, CancellationToken cancellationToken, string status = "True")
        where T : class, IKubernetesObject =>
        WaitForConditionAsync<T>(null, name, type, status, DefaultWaitTimeout, cancellationToken);

    /// <summary>Waits until the object has a status condition of <paramref name="type"/> with status <paramref name="status"/>.</summary>
    /// <typeparam name="T">A KubernetesClient model or custom resource type.</typeparam>
    /// <param name="ns">The namespace ("default" when null); ignored for a cluster-scoped kind.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="type">The condition's type.</param>
    /// <param name="status">The condition's wanted status ("True", "False", "Unknown").</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The object as it met the condition.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state.</exception>
    public async Task<T> WaitForConditionAsync<T>(string? ns, string name, string type, string status, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(status);
        var found = await WatchObjectAsync<T>(
            ns, name, o => o?["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c?["type"] == type && (string?)c?["status"] == status),
            $"have condition {type}={status}", timeout, cancellationToken);
        return Typed<T>(found!);
    }

    /// <summary>Waits until the object is gone (at once when it does not exist), in namespace "default" for a namespaced kind.</summary>
    /// <typeparam name="T">A KubernetesClient model or custom resource type.</typeparam>
    /// <param name="name">The object's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state (e.g. its finalizers).</exception>
    public Task WaitForDeletionAsync<T>(string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject =>
        WaitForDeletionAsync<T>(null, name, DefaultWaitTimeout, cancellationToken);

    /// <summary>Waits until the object is gone (at once when it does not exist).</summary>
    /// <typeparam name="T">A KubernetesClient model or custom resource type.</typeparam>
    /// <param name="ns">The namespace ("default" when null); ignored for a cluster-scoped kind.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The time ran out; the message holds the object's last state (e.g. its finalizers).</exception>
    public Task WaitForDeletionAsync<T>(string? ns, string name, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IKubernetesObject =>
        WatchObjectAsync<T>(ns, name, o => o is null, "be deleted", timeout, cancellationToken);

    private static T Typed<T>(JsonObject json) => KubernetesJson.Deserialize<T>(json.ToJsonString());

    /// <summary>The apiVersion and kind of a model type, from its KubernetesEntity attribute.</summary>
    private static (string ApiVersion, string Kind) EntityOf<T>()
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{typeof(T).Name} has no KubernetesEntity attribute, so its apiVersion and kind are unknown.", nameof(T));
        return (string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : entity.Group + "/" + entity.ApiVersion, entity.Kind);
    }

    /// <summary>
    /// Reads the object, then watches it from that resourceVersion until <paramref name="done"/> says so of its state
    /// (null: not found); a watch that ends (its timeout, an ERROR event such as 410 Expired) is followed by a new read.
    /// </summary>
    private async Task<JsonObject?> WatchObjectAsync<T>(
        string? ns, string name, Func<JsonObject?, bool> done, string goal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var (apiVersion, kind) = EntityOf<T>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var token = limit.Token;
        JsonObject? last = null;
        try
        {
            var resource = await ResolveAsync(apiVersion, kind, token);
            var fieldSelector = "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name);
            while (true)
            {
                string resourceVersion;
                using (var read = await _http.GetAsync(new Uri(resource.ObjectPath(ns, name), UriKind.Relative), token))
                {
                    if (read.StatusCode == HttpStatusCode.NotFound)
                    {
                        last = null;
                        var list = await GetJsonAsync(resource.CollectionPath(ns) + "?" + fieldSelector, token);
                        resourceVersion = (string?)list?["metadata"]?["resourceVersion"] ?? "0";
                    }
                    else
                    {
                        read.EnsureSuccessStatusCode();
                        last = JsonNode.Parse(await read.Content.ReadAsStringAsync(token)) as JsonObject;
                        resourceVersion = (string?)last?["metadata"]?["resourceVersion"] ?? "0";
                    }
                }

                if (done(last))
                {
                    return last;
                }

                var watch = $"{resource.CollectionPath(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion={resourceVersion}&{fieldSelector}";
                using var response = await _http.GetAsync(new Uri(watch, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(token));
                while (await reader.ReadLineAsync(token) is { } line)
                {
                    if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject change)
                    {
                        continue;
                    }

                    var type = (string?)change["type"];
                    if (type is "ADDED" or "MODIFIED")
                    {
                        last = change["object"]?.DeepClone() as JsonObject;
                    }
                    else if (type == "DELETED")
                    {
                        last = null;
                    }
                    else if (type == "ERROR")
                    {
                        break;
                    }
                    else
                    {
                        continue;
                    }

                    if (done(last))
                    {
                        return last;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or JsonException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var what = ns is null ? $"{kind} {name} ({apiVersion})" : $"{kind} {ns}/{name} ({apiVersion})";
            throw new TimeoutException($"{what} did not {goal} within {timeout}; last state: {(last is null ? "not found" : last.ToJsonString())}", e);
        }
    }
}
