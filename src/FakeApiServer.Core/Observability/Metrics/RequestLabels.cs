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

    /// <summary>
    /// Every label of the request's series in one inline array, laid out so that each instrument's set is a slice of it:
    /// code, dry_run, then component, group, resource, scope, subresource, verb and version. Passed to the instruments as
    /// spans, so recording a request allocates nothing (a TagList of more than eight tags would allocate).
    /// </summary>
    public SeriesTags Tags(string code)
    {
        var tags = default(SeriesTags);
        tags[0] = new("code", code);
        tags[1] = new("dry_run", DryRun);
        tags[2] = new("component", Component);
        tags[3] = new("group", Group);
        tags[4] = new("resource", Resource);
        tags[5] = new("scope", Scope);
        tags[6] = new("subresource", Subresource);
        tags[7] = new("verb", Verb);
        tags[8] = new("version", Version);
        return tags;
    }

    /// <summary>The tags of <see cref="Tags"/>: apiserver_request_total takes all nine, the duration histogram all but the code, the sizes and the long-running gauge all but code and dry_run.</summary>
    [System.Runtime.CompilerServices.InlineArray(9)]
    public struct SeriesTags
    {
        /// <summary>The labels of apiserver_request_total: verb, dry_run, group, version, resource, subresource, scope, component, code.</summary>
        public const int WithCode = 0;

        /// <summary>The labels of apiserver_request_duration_seconds: the request's without the code.</summary>
        public const int WithDryRun = 1;

        /// <summary>The labels of apiserver_longrunning_requests and apiserver_response_sizes: no dry_run, no code.</summary>
        public const int WithoutDryRun = 2;

        private KeyValuePair<string, object?> _first;
    }

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
