using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;

namespace FakeApiServer.Testing;

/// <summary>Applying YAML, waiting for conditions, and resetting the cluster between tests.</summary>
public sealed partial class FakeCluster
{
    /// <summary>The field manager of <see cref="ApplyAsync"/>'s server-side apply.</summary>
    public const string FieldManager = "fakeapiserver-testing";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan CrdEstablishTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KindLookupTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Applies every object of a (multi-document) YAML or JSON text with server-side apply (field manager
    /// <see cref="FieldManager"/>, force), so applying the same text again updates rather than fails. Objects are
    /// applied in dependency order: CustomResourceDefinitions first (each waited for until Established), then
    /// Namespaces, then the rest in text order. A document of kind List is applied item by item.
    /// </summary>
    /// <param name="yaml">The YAML text; documents are separated by <c>---</c>.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>The objects as the server stored them, in the order they were applied.</returns>
    /// <exception cref="InvalidOperationException">The server refused an object, or its kind is not served.</exception>
    public Task<IReadOnlyList<JsonObject>> ApplyAsync(string yaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return ApplyObjectsAsync(Documents(yaml), cancellationToken);
    }

    /// <summary>Applies every object of a YAML or JSON file, as <see cref="ApplyAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>The objects as the server stored them, in the order they were applied.</returns>
    public async Task<IReadOnlyList<JsonObject>> ApplyFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        return await ApplyAsync(text, cancellationToken);
    }

    /// <summary>
    /// Applies every object of the .yaml, .yml and .json files of a folder and its subfolders (files in ordinal order
    /// of their relative paths), as one set: the CRDs and Namespaces of any file go first, as <see cref="ApplyAsync"/>.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>The objects as the server stored them, in the order they were applied.</returns>
    public async Task<IReadOnlyList<JsonObject>> ApplyFolderAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToUpperInvariant() is ".YAML" or ".YML" or ".JSON")
            .OrderBy(f => Path.GetRelativePath(folder, f), StringComparer.Ordinal);
        var objects = new List<JsonObject>();
        foreach (var file in files)
        {
            objects.AddRange(Documents(await File.ReadAllTextAsync(file, cancellationToken)));
        }

        return await ApplyObjectsAsync(objects, cancellationToken);
    }

    /// <summary>
    /// Waits until an object exists and meets <paramref name="condition"/>, looking at it every 20 ms.
    /// </summary>
    /// <param name="apiVersion">The object's apiVersion, e.g. "v1" or "apps/v1".</param>
    /// <param name="kind">The object's kind, e.g. "Pod".</param>
    /// <param name="ns">The namespace, or null for a cluster-scoped object.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="condition">True when the object is as wanted.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The object as it met the condition.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message names the object and its last state.</exception>
    public async Task<JsonObject> WaitForAsync(
        string apiVersion, string kind, string? ns, string name, Func<JsonObject, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        while (true)
        {
            var resource = await TryResolveAsync(apiVersion, kind, cancellationToken);
            if (resource is not null)
            {
                using var response = await _http.GetAsync(new Uri(resource.ObjectPath(ns, name), UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    last = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
                    if (last is not null && condition(last))
                    {
                        return last;
                    }
                }
                else if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    last = null;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                var what = ns is null ? $"{kind} {name} ({apiVersion})" : $"{kind} {ns}/{name} ({apiVersion})";
                throw new TimeoutException(
                    $"{what} did not meet the condition within {timeout}; last state: {(last is null ? "not found" : last.ToJsonString())}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> pods of a namespace are in phase Running.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="count">How many pods must be running.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running pods.</returns>
    /// <exception cref="TimeoutException">The time ran out; the message lists the pods and their phases.</exception>
    public async Task<IReadOnlyList<JsonObject>> WaitForPodsRunningAsync(string ns, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var list = await GetJsonAsync($"api/v1/namespaces/{ns}/pods", cancellationToken);
            var pods = (list?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var running = pods.Where(p => (string?)p["status"]?["phase"] == "Running").ToList();
            if (running.Count >= count)
            {
                return running;
            }

            if (DateTime.UtcNow >= deadline)
            {
                var states = string.Join(", ", pods.Select(p => $"{p["metadata"]?["name"]}: {p["status"]?["phase"] ?? "no phase"}"));
                throw new TimeoutException($"{running.Count} of {count} pods in namespace {ns} are Running after {timeout}; pods: [{states}]");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Empties the store back to its state right after start (and after the start-up controllers settled), in
    /// milliseconds, so one cluster serves a whole test class: every object created since is removed (finalizers and
    /// graceful deletion ignored), start objects that were changed or deleted are written back. resourceVersions keep
    /// increasing and watchers see the changes as events (DELETED for removed objects). Kinds of CRDs that the reset
    /// removed are no longer served. The usage set through <see cref="Metrics"/> is forgotten too.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    public Task ResetAsync(CancellationToken cancellationToken)
    {
        Metrics.Reset();
        return _host.ResetAsync(cancellationToken);
    }

    private static List<JsonObject> Documents(string text)
    {
        var objects = new List<JsonObject>();
        foreach (var node in YamlJson.ParseAll(text))
        {
            if (node is not JsonObject obj)
            {
                continue;
            }

            if ((string?)obj["kind"] == "List" && obj["items"] is JsonArray items)
            {
                objects.AddRange(items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
            }
            else
            {
                objects.Add(obj);
            }
        }

        return objects;
    }

    private static bool IsCrd(JsonObject obj) =>
        (string?)obj["kind"] == "CustomResourceDefinition" && ((string?)obj["apiVersion"] ?? "").StartsWith("apiextensions.k8s.io/", StringComparison.Ordinal);

    private static bool IsNamespace(JsonObject obj) => (string?)obj["kind"] == "Namespace" && (string?)obj["apiVersion"] == "v1";

    private async Task<IReadOnlyList<JsonObject>> ApplyObjectsAsync(List<JsonObject> objects, CancellationToken cancellationToken)
    {
        var results = new List<JsonObject>(objects.Count);
        foreach (var crd in objects.Where(IsCrd))
        {
            var applied = await ApplyOneAsync(crd, cancellationToken);
            results.Add(applied);
            await WaitForAsync(
                (string)crd["apiVersion"]!, "CustomResourceDefinition", null, (string)applied["metadata"]!["name"]!,
                o => (o["status"]?["conditions"] as JsonArray ?? []).Any(c => (string?)c?["type"] == "Established" && (string?)c?["status"] == "True"),
                CrdEstablishTimeout, cancellationToken);
        }

        foreach (var ns in objects.Where(IsNamespace))
        {
            results.Add(await ApplyOneAsync(ns, cancellationToken));
        }

        foreach (var obj in objects.Where(o => !IsCrd(o) && !IsNamespace(o)))
        {
            results.Add(await ApplyOneAsync(obj, cancellationToken));
        }

        return results;
    }

    private async Task<JsonObject> ApplyOneAsync(JsonObject obj, CancellationToken cancellationToken)
    {
        var apiVersion = (string?)obj["apiVersion"] ?? throw new InvalidOperationException("An object has no apiVersion: " + obj.ToJsonString());
        var kind = (string?)obj["kind"] ?? throw new InvalidOperationException("An object has no kind: " + obj.ToJsonString());
        var name = (string?)obj["metadata"]?["name"] ?? throw new InvalidOperationException($"A {kind} has no metadata.name.");
        var resource = await ResolveAsync(apiVersion, kind, cancellationToken);
        var ns = resource.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;
        var path = resource.ObjectPath(ns, name) + "?fieldManager=" + FieldManager + "&force=true";
        using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Applying {kind} {(ns is null ? name : ns + "/" + name)} failed with {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException("The server answered an apply with no object: " + body);
    }

    private async Task<ServedResource> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        // A CRD's kind can take a moment to be served after it is Established; look again for a short while.
        var deadline = DateTime.UtcNow + KindLookupTimeout;
        while (true)
        {
            if (await TryResolveAsync(apiVersion, kind, cancellationToken) is { } resource)
            {
                return resource;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException($"The server does not serve kind {kind} in {apiVersion} (is its CRD applied, or its API version enabled?).");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Looks the kind up in the discovery document of its group/version.</summary>
    private async Task<ServedResource?> TryResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var prefix = apiVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + apiVersion : "api/" + apiVersion;
        var discovery = await GetJsonAsync(prefix, cancellationToken);
        foreach (var resource in (discovery?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var plural = (string?)resource["name"];
            if (plural is not null && !plural.Contains('/', StringComparison.Ordinal) && (string?)resource["kind"] == kind)
            {
                return new ServedResource(prefix, plural, (bool?)resource["namespaced"] ?? false);
            }
        }

        return null;
    }

    private async Task<JsonObject?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject : null;
    }

    private sealed record ServedResource(string Prefix, string Plural, bool Namespaced)
    {
        public string ObjectPath(string? ns, string name) => CollectionPath(ns) + "/" + name;

        public string CollectionPath(string? ns) =>
            Namespaced ? $"{Prefix}/namespaces/{ns ?? "default"}/{Plural}" : $"{Prefix}/{Plural}";
    }
}
