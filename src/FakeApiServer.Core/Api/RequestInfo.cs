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
    /// <summary>Verbs upstream reads from the path's first segment after the version (the deprecated watch and proxy paths).</summary>
    private static readonly HashSet<string> PathVerbs = ["watch", "proxy"];

    /// <summary>Subresources of namespaces that follow /namespaces/{name} (so not a namespaced resource).</summary>
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

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
        if (context.Features.Get<RequestInfo>() is { } info)
        {
            return info;
        }

        info = From(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query);
        context.Features.Set(info);
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
        var nonResource = new RequestInfo { Path = path, Verb = method.ToLowerInvariant() };

        // Upstream trims every leading and trailing slash and keeps empty segments in between.
        var trimmed = path.Trim('/');
        var parts = trimmed.Length == 0 ? [] : trimmed.Split('/');
        if (parts.Length < 3 || parts[0] is not ("api" or "apis") || (parts[0] == "apis" && parts.Length < 4))
        {
            return nonResource;
        }

        var prefix = parts[0];
        var group = prefix == "apis" ? parts[1] : "";
        var rest = parts.AsSpan(prefix == "apis" ? 2 : 1);
        var version = rest[0];
        rest = rest[1..];

        string verb;
        var verbFromPath = PathVerbs.Contains(rest[0]);
        if (verbFromPath)
        {
            if (rest.Length < 2)
            {
                return nonResource;
            }

            verb = rest[0];
            rest = rest[1..];
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
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
                inNamespacePath = true;
            }
        }

        var resourceParts = rest.ToArray();
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
            ApiPrefix = prefix,
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
