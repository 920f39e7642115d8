using System.Diagnostics;

namespace FakeApiServer.Observability.Metrics;

/// <summary>
/// The labels kube-apiserver puts on a request's metrics (endpoints/metrics: MonitorRequest, CleanScope, CanonicalVerb,
/// CleanVerb, cleanDryRun): the reported verb in upper case (GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE,
/// DELETECOLLECTION, CONNECT, PROXY; anything else "other"), the scope (resource, namespace, cluster), the dry-run
/// value and the component (always apiserver).
/// </summary>
internal readonly record struct RequestLabels(string Verb, string DryRun, string Group, string Version, string Resource, string Subresource, string Scope)
{
    /// <summary>The component label of every request metric.</summary>
    public const string Component = "apiserver";

    private const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>The subresources that upstream reports as CONNECT (validConnectRequests).</summary>
    private static readonly HashSet<string> ConnectSubresources = ["log", "exec", "portforward", "attach", "proxy"];

    /// <summary>The labels of a resource request, from its request info as the filters saw it.</summary>
    public static RequestLabels Of(string method, string verb, string group, string version, string resource, string subresource, string ns, string name, string contentType, string query)
    {
        var scope = name.Length > 0 || verb == "create" ? "resource" : ns.Length > 0 ? "namespace" : "cluster";
        return new RequestLabels(ReportedVerb(method, verb, subresource, contentType), DryRunOf(query), group, version, resource, subresource, scope);
    }

    /// <summary>The labels of a completed resource request.</summary>
    public static RequestLabels Of(CompletedRequest request) => Of(
        request.Method, request.Verb, request.Group, request.Version, request.Resource, request.Subresource, request.Namespace, request.Name,
        request.RequestContentType, request.Query);

    /// <summary>The labels of apiserver_request_total: verb, dry_run, group, version, resource, subresource, scope, component, code.</summary>
    public TagList WithCode(string code) => new()
    {
        { "verb", Verb }, { "dry_run", DryRun }, { "group", Group }, { "version", Version }, { "resource", Resource },
        { "subresource", Subresource }, { "scope", Scope }, { "component", Component }, { "code", code },
    };

    /// <summary>The labels of apiserver_request_duration_seconds: the request's without the code.</summary>
    public TagList WithDryRun() => new()
    {
        { "verb", Verb }, { "dry_run", DryRun }, { "group", Group }, { "version", Version }, { "resource", Resource },
        { "subresource", Subresource }, { "scope", Scope }, { "component", Component },
    };

    /// <summary>The labels of apiserver_longrunning_requests and apiserver_response_sizes: no dry_run, no code.</summary>
    public TagList WithoutDryRun() => new()
    {
        { "verb", Verb }, { "group", Group }, { "version", Version }, { "resource", Resource },
        { "subresource", Subresource }, { "scope", Scope }, { "component", Component },
    };

    private static string ReportedVerb(string method, string verb, string subresource, string contentType)
    {
        if (verb == "watch")
        {
            return "WATCH";
        }

        if (subresource.Length > 0 && ConnectSubresources.Contains(subresource))
        {
            return "CONNECT";
        }

        return verb switch
        {
            "get" => "GET",
            "list" => "LIST",
            "create" => "POST",
            "update" => "PUT",
            "patch" => contentType.StartsWith(ApplyPatch, StringComparison.OrdinalIgnoreCase) ? "APPLY" : "PATCH",
            "delete" => "DELETE",
            "deletecollection" => "DELETECOLLECTION",
            "proxy" => "PROXY",
            _ => method is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" ? method : "other",
        };
    }

    /// <summary>Upstream's cleanDryRun: "" without dryRun; the sorted distinct values joined by commas; "invalid" for any value but All.</summary>
    private static string DryRunOf(string query)
    {
        if (!query.Contains("dryRun", StringComparison.Ordinal))
        {
            return "";
        }

        var values = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue("dryRun", out var sent) ? sent : default;
        if (values.Count == 0)
        {
            return "";
        }

        return values.All(v => v == "All") ? "All" : "invalid";
    }
}
