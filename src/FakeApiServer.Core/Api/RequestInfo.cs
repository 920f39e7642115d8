using FakeApiServer.Api.Selectors;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// What a request asks for, worked out once from its method, path and query as upstream's RequestInfoFactory does, and
/// read by every filter (authorization, the long-running check, the limits), the router and the verbs:
/// /api/{version}/... and /apis/{group}/{version}/... are resource requests, read as
/// [{watch|proxy}/][namespaces/{namespace}/]{resource}[/{name}[/{subresource}[/more...]]]; every other path is a
/// non-resource request whose verb is the lowercase method.
/// </summary>
internal sealed record RequestInfo
{
    /// <summary>Verbs whose requests carry field and label selectors.</summary>
    private static readonly HashSet<string> VerbsWithSelectors = ["list", "watch", "deletecollection"];

    /// <summary>Whether the path names a resource (false: discovery, /version, health, OpenAPI, anything else).</summary>
    public bool IsResourceRequest { get; init; }

    /// <summary>The request path as sent.</summary>
    public string Path { get; init; } = "/";

    /// <summary>
    /// The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection (or proxy) for a resource
    /// request; the lowercase method for a non-resource one; "" for a method a resource does not know.
    /// </summary>
    public string Verb { get; init; } = "";

    /// <summary>"api" or "apis" for a resource request.</summary>
    public string ApiPrefix { get; init; } = "";

    /// <summary>The API group ("" for the core group).</summary>
    public string Group { get; init; } = "";

    public string Version { get; init; } = "";

    public string Namespace { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    /// <summary>
    /// The object's name: from the path, or for a list or watch from a fieldSelector that pins metadata.name (so
    /// authorization can allow a list of one object); <see cref="PathName"/> is the path's alone.
    /// </summary>
    public string Name { get; init; } = "";

    /// <summary>The path segments from the resource on: resource, name, subresource and whatever follows (a proxy's path).</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    /// <summary>Whether the verb came from the path (/api/v1/watch/..., /api/v1/proxy/...) rather than the method.</summary>
    public bool VerbFromPath { get; init; }

    /// <summary>
    /// Whether the resource follows /namespaces/{namespace}/ (a namespaced resource's path), rather than being the
    /// namespace's own path (/namespaces/{name}[/status|/finalize], whose <see cref="Namespace"/> is the name too).
    /// </summary>
    public bool InNamespacePath { get; init; }

    /// <summary>The fieldSelector of a list, watch or deletecollection (not of the deprecated watch paths), else "".</summary>
    public string FieldSelector { get; init; } = "";

    /// <summary>The labelSelector of a list, watch or deletecollection (not of the deprecated watch paths), else "".</summary>
    public string LabelSelector { get; init; } = "";

    /// <summary>The object the path names ("" for a collection), whatever a field selector says.</summary>
    public string PathName => Parts.Count >= 2 ? Parts[1] : "";

    /// <summary>The request's info, worked out by the first filter (<see cref="RequestInfoFilter"/>), or now when it did not run.</summary>
    public static RequestInfo Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The features' indexer, not Get<T>/Set<T>: a generic virtual method's call is looked up at run time, and
        // every filter reads the info (about ten reads per request).
        if (context.Features[typeof(RequestInfo)] is RequestInfo info)
        {
            return info;
        }

        info = From(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query);
        context.Features[typeof(RequestInfo)] = info;
        return info;
    }

    /// <summary>
    /// Reads a request as upstream's NewRequestInfo. A deprecated watch or proxy path with nothing after the verb, which
    /// upstream refuses with a 500, is read here as a non-resource request (and answered 404).
    /// </summary>
    public static RequestInfo From(string method, string path, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(query);
        path = path.Length > 0 ? path : "/";

        // Upstream trims every leading and trailing slash and keeps empty segments in between. The segments are read
        // as ranges of the path; only those the info keeps become strings.
        var trimmed = path.AsSpan().Trim('/');
        var count = trimmed.Length == 0 ? 0 : trimmed.Count('/') + 1;
        if (count < 3)
        {
            return NonResource(method, path);
        }

        Span<Range> segments = count <= 16 ? stackalloc Range[count] : new Range[count];
        trimmed.Split(segments, '/');
        var first = trimmed[segments[0]];
        var apis = first.SequenceEqual("apis");
        if (!(apis || first.SequenceEqual("api")) || (apis && count < 4))
        {
            return NonResource(method, path);
        }

        var group = apis ? new string(trimmed[segments[1]]) : "";
        var at = apis ? 2 : 1;
        var version = Segment(trimmed[segments[at]]);
        at++;

        string verb;
        var verbFromPath = trimmed[segments[at]] is "watch" or "proxy";
        if (verbFromPath)
        {
            if (count - at < 2)
            {
                return NonResource(method, path);
            }

            verb = trimmed[segments[at]] is "watch" ? "watch" : "proxy";
            at++;
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        // /namespaces/{namespace}/{resource}/...: the namespace's own path (/namespaces/{name}[/status|/finalize]) is the
        // namespaces resource, in that namespace.
        var ns = "";
        var inNamespacePath = false;
        if (trimmed[segments[at]] is "namespaces" && count - at > 1)
        {
            ns = new string(trimmed[segments[at + 1]]);
            if (count - at > 2 && trimmed[segments[at + 2]] is not ("status" or "finalize"))
            {
                at += 2;
                inNamespacePath = true;
            }
        }

        var resourceParts = new string[count - at];
        for (var i = 0; i < resourceParts.Length; i++)
        {
            resourceParts[i] = Segment(trimmed[segments[at + i]]);
        }

        var name = resourceParts.Length >= 2 ? resourceParts[1] : "";
        var subresource = resourceParts.Length >= 3 && verb != "proxy" ? resourceParts[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            var (watch, selectorName) = ReadListQuery(query);
            verb = watch ? "watch" : "list";
            name = selectorName;
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        var selectors = !verbFromPath && VerbsWithSelectors.Contains(verb);
        return new RequestInfo
        {
            IsResourceRequest = true,
            Path = path,
            Verb = verb,
            ApiPrefix = apis ? "apis" : "api",
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resourceParts[0],
            Subresource = subresource,
            Name = name,
            Parts = resourceParts,
            VerbFromPath = verbFromPath,
            InNamespacePath = inNamespacePath,
            FieldSelector = selectors ? query["fieldSelector"].FirstOrDefault() ?? "" : "",
            LabelSelector = selectors ? query["labelSelector"].FirstOrDefault() ?? "" : "",
        };
    }

    /// <summary>A non-resource request: its verb is the method in lowercase.</summary>
    private static RequestInfo NonResource(string method, string path) => new()
    {
        Path = path,
        Verb = method switch
        {
            "GET" => "get",
            "POST" => "post",
            "PUT" => "put",
            "PATCH" => "patch",
            "DELETE" => "delete",
            "HEAD" => "head",
            "OPTIONS" => "options",
            _ => method.ToLowerInvariant(),
        },
    };

    /// <summary>A path segment as a string; the commonest ones without allocating.</summary>
    private static string Segment(ReadOnlySpan<char> segment) => segment switch
    {
        "v1" => "v1",
        "namespaces" => "namespaces",
        "status" => "status",
        _ => new string(segment),
    };

    /// <summary>
    /// What a collection GET's query says, as upstream decodes its ListOptions: a watch unless watch is absent, "0" or
    /// "false" (any case), and the name a valid fieldSelector pins metadata.name to, when it could be a path segment.
    /// </summary>
    private static (bool Watch, string Name) ReadListQuery(IQueryCollection query)
    {
        var watch = query["watch"] is { Count: > 0 } values
            && values[0] is var value && value != "0" && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
        var selector = query["fieldSelector"].FirstOrDefault() ?? "";
        if (selector.Length == 0)
        {
            return (watch, "");
        }

        try
        {
            // Upstream decodes the whole ListOptions: a bad labelSelector loses the name as a bad fieldSelector does.
            _ = Selectors.LabelSelector.Parse(query["labelSelector"].FirstOrDefault());
            var name = Selectors.FieldSelector.Parse(selector).RequiresExactMatch("metadata.name", out var pinned) && IsPathSegmentName(pinned) ? pinned : "";
            return (watch, name);
        }
        catch (SelectorParseException)
        {
            // The list itself answers 400 for a bad selector.
            return (watch, "");
        }
    }

    /// <summary>Upstream's IsPathSegmentName: not "." or "..", and no '/' or '%'.</summary>
    private static bool IsPathSegmentName(string name) =>
        name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal) && !name.Contains('%', StringComparison.Ordinal);
}
