using FakeApiServer.Api.Verbs;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Routes a resource request (/api/v1/... or /apis/{group}/{version}/...) to its verb, as kube-apiserver's
/// handler chain does: the path names the resource, the method and query name the verb. All errors leave as a Status.
/// </summary>
internal sealed class ResourceEndpoint
{
    private readonly ApiContext _api;

    public ResourceEndpoint(ApiContext api) => _api = api;

    public async Task HandleAsync(HttpContext context, string group, string version, string path)
    {
        try
        {
            var request = Resolve(group, version, path);
            if (request.Definition.DeprecationWarning is { } deprecation)
            {
                Warnings.Add(context, deprecation);
            }

            await DispatchAsync(context, request);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _api.Stopping.IsCancellationRequested)
        {
            // The client went away or the server is stopping: not an error.
        }
        catch (Exception e)
        {
            await ApiErrors.WriteAsync(context, e, _api.Logger, _api.Protobuf);
        }
    }

    private ResourceRequest Resolve(string group, string version, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);

        // The deprecated watch paths (/api/v1/watch/..., /apis/{g}/{v}/watch/...): the rest names a collection or
        // one object, as upstream's RequestInfoFactory strips the "watch" verb segment.
        var watchPath = parts.Length > 1 && parts[0] == "watch";
        if (watchPath)
        {
            parts = parts[1..];
        }

        var info = RequestInfo.Parse(group, version, parts) ?? throw ApiException.NotFoundPath();
        var store = _api.Catalog.Find(group, version, info.Resource) ?? throw ApiException.NotFoundPath();
        var definition = store.Definition;
        if (info.Namespace.Length > 0 && !definition.Namespaced)
        {
            throw ApiException.NotFoundPath();
        }

        if (info.Name.Length > 0 && definition.Namespaced && info.Namespace.Length == 0)
        {
            throw ApiException.NotFoundPath();
        }

        if (info.Subresource.Length > 0 && !HasSubresource(definition, info.Subresource))
        {
            throw ApiException.NotFoundPath();
        }

        if (watchPath && info.Subresource.Length > 0)
        {
            throw ApiException.NotFoundPath();
        }

        return new ResourceRequest(_api, info, store) { WatchPath = watchPath };
    }

    private static bool HasSubresource(ResourceDefinition definition, string subresource) => subresource switch
    {
        "status" => definition.StatusStrategy is not null,
        "finalize" => definition.FinalizeStrategy is not null,
        "approval" => definition.ApprovalStrategy is not null,
        "scale" => definition.Scale is not null,
        "binding" => definition.HasBinding,
        "eviction" => definition.HasEviction,
        "log" or "exec" or "attach" or "portforward" => definition.HasContainerStreams,
        _ => false,
    };

    private static Task DispatchAsync(HttpContext context, ResourceRequest request)
    {
        var info = request.Info;
        var method = context.Request.Method;
        var named = info.Name.Length > 0;
        if (request.WatchPath)
        {
            // Upstream serves only GET (a watch of the collection, or of the one named object) on these paths.
            return method == "GET" && request.Definition.CreateOnly is null
                ? WatchVerb.HandleAsync(context, request)
                : throw ApiException.MethodNotAllowedPath();
        }

        if (request.Definition.BindsPods)
        {
            return method == "POST" && !named && info.Namespace.Length > 0
                ? BindingVerb.HandleLegacyAsync(context, request)
                : throw ApiException.MethodNotSupported(request.Definition.GroupResource, MethodAction(method, named));
        }

        if (info.Subresource.Length == 0 && !request.Definition.Verbs.Contains(Verb(context, method, named)))
        {
            // A read-only resource (componentstatuses: get and list) refuses every other verb, as upstream's REST storage does.
            throw ApiException.MethodNotSupported(request.Definition.GroupResource, MethodAction(method, named));
        }

        if (request.Definition.CreateOnly is { } createOnly)
        {
            return method == "POST" && !named && info.Subresource.Length == 0 && (info.Namespace.Length > 0 || !request.Definition.Namespaced)
                ? CreateOnlyVerb.HandleAsync(context, request, createOnly)
                : throw ApiException.MethodNotSupported(request.Definition.GroupResource, MethodAction(method, named));
        }

        return method switch
        {
            "GET" or "POST" when named && ContainerStreamsVerb.Serves(info.Subresource, method) => ContainerStreamsVerb.HandleAsync(context, request),
            "GET" when named && info.Subresource == "scale" => ScaleVerb.GetAsync(context, request),
            "GET" when named => GetVerb.HandleAsync(context, request),
            "GET" when QueryIsWatch(context.Request.Query) => WatchVerb.HandleAsync(context, request),
            "GET" => ListVerb.HandleAsync(context, request),
            "POST" when !named && (info.Namespace.Length > 0 || !request.Definition.Namespaced) => CreateVerb.HandleAsync(context, request),
            "POST" when named && info.Subresource == "binding" => BindingVerb.HandleAsync(context, request),
            "POST" when named && info.Subresource == "eviction" => EvictionVerb.HandleAsync(context, request),
            "PUT" when named && info.Subresource == "scale" => ScaleVerb.UpdateAsync(context, request),
            "PUT" when named && info.Subresource is not ("binding" or "eviction") => UpdateVerb.HandleAsync(context, request),
            "PATCH" when named && info.Subresource == "scale" => ScaleVerb.PatchAsync(context, request),
            "PATCH" when named && info.Subresource is "" or "status" or "approval" => PatchVerb.HandleAsync(context, request),
            "DELETE" when named && info.Subresource.Length == 0 => DeleteVerb.HandleAsync(context, request),
            "DELETE" when !named => DeleteCollectionVerb.HandleAsync(context, request),
            _ => throw ApiException.MethodNotSupported(request.Definition.GroupResource, MethodAction(method, named)),
        };
    }

    /// <summary>The Kubernetes verb of a request to a resource (not a subresource).</summary>
    private static string Verb(HttpContext context, string method, bool named) => (method, named) switch
    {
        ("GET", true) => "get",
        ("GET", false) => QueryIsWatch(context.Request.Query) ? "watch" : "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => method.ToLowerInvariant(),
    };

    private static bool QueryIsWatch(IQueryCollection query) => query["watch"].ToString() is "true" or "1" or "True";

    private static string MethodAction(string method, bool named) => (method, named) switch
    {
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ => method.ToLowerInvariant(),
    };
}

/// <summary>A resolved resource request: what the path names and the registry that serves it.</summary>
internal sealed record ResourceRequest(ApiContext Api, RequestInfo Info, ResourceStore Store)
{
    public ResourceDefinition Definition => Store.Definition;

    /// <summary>What a body sent to the resource (or its /status) holds: an object of the endpoint's kind.</summary>
    public ExpectedBody ExpectedBody => new(Api.Protobuf.Codec, Definition.ApiVersion, Definition.Kind);

    /// <summary>The request came by a deprecated /watch/ path: a watch whatever the query says, of the named object if any.</summary>
    public bool WatchPath { get; init; }

    /// <summary>The strategy that governs writes to the named subresource (the main strategy for the resource itself).</summary>
    public IResourceStrategy WriteStrategy => Info.Subresource switch
    {
        "status" => Definition.StatusStrategy!,
        "finalize" => Definition.FinalizeStrategy!,
        "approval" => Definition.ApprovalStrategy!,
        _ => Definition.Strategy,
    };
}
