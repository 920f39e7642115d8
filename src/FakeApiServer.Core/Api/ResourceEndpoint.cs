using FakeApiServer.Api.Subresources;
using FakeApiServer.Api.Verbs;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Routes a resource request to its verb, as kube-apiserver's handler chain does: the request's <see cref="RequestInfo"/>
/// (worked out once, before the filters) names the resource, the object and the verb; a subresource is served by the
/// handler its resource registered (<see cref="ResourceDefinition.Subresources"/>). All errors leave as a Status.
/// </summary>
internal sealed class ResourceEndpoint
{
    private readonly ApiContext _api;

    public ResourceEndpoint(ApiContext api) => _api = api;

    public async Task HandleAsync(HttpContext context, RequestInfo info)
    {
        try
        {
            var request = Resolve(info);
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

    /// <summary>
    /// The served resource, object and subresource the request names; anything the server does not serve is upstream's
    /// 404 (a cluster-scoped resource under a namespace, a namespaced object without one, an unknown subresource, a path
    /// beyond the subresource, the legacy /proxy/ paths, a subresource under the legacy /watch/ paths).
    /// </summary>
    private ResourceRequest Resolve(RequestInfo info)
    {
        if (info.Verb == "proxy" || info.Parts.Count > 3 || info.Resource.Length == 0
            || _api.Catalog.Find(info.Group, info.Version, info.Resource) is not { } store)
        {
            throw ApiException.NotFoundPath();
        }

        var definition = store.Definition;
        var name = info.PathName;
        if ((info.InNamespacePath && !definition.Namespaced) || (name.Length > 0 && definition.Namespaced && !info.InNamespacePath))
        {
            throw ApiException.NotFoundPath();
        }

        SubresourceHandler? subresource = null;
        if (info.Subresource.Length > 0 && (info.VerbFromPath || !definition.Subresources.TryGetValue(info.Subresource, out subresource)))
        {
            throw ApiException.NotFoundPath();
        }

        return new ResourceRequest(_api, info, store)
        {
            Namespace = info.InNamespacePath ? info.Namespace : "",
            Name = name,
            Subresource = subresource,
        };
    }

    private static Task DispatchAsync(HttpContext context, ResourceRequest request)
    {
        var info = request.Info;
        var definition = request.Definition;
        var method = context.Request.Method;
        var named = request.Name.Length > 0;
        if (info.VerbFromPath)
        {
            // The deprecated watch paths (/api/v1/watch/..., /apis/{g}/{v}/watch/...): upstream serves only GET there, a
            // watch of the collection or of the one named object.
            return method == "GET" && definition.CreateOnly is null && definition.Computed is null
                ? WatchVerb.HandleAsync(context, request)
                : throw ApiException.MethodNotAllowedPath();
        }

        // HEAD reads as get for authorization, but no resource route answers it.
        var verb = method == "HEAD" ? "" : info.Verb;
        if (request.Subresource is { } subresource)
        {
            // A method the subresource registered no verb for has no route upstream: go-restful's 405.
            return subresource.Verbs.TryGetValue(verb, out var serve)
                ? serve(context, request)
                : throw ApiException.MethodNotAllowedPath();
        }

        if (definition.BindsPods)
        {
            return verb == "create" && !named && request.Namespace.Length > 0
                ? BindingVerb.HandleLegacyAsync(context, request)
                : throw ApiException.MethodNotSupported(definition.GroupResource, MethodAction(method, named));
        }

        if (!definition.Verbs.Contains(verb))
        {
            // A read-only resource (componentstatuses: get and list) refuses every other verb, as upstream's REST storage does.
            throw ApiException.MethodNotSupported(definition.GroupResource, MethodAction(method, named));
        }

        var creatable = !named && (request.Namespace.Length > 0 || !definition.Namespaced);
        if (definition.CreateOnly is { } createOnly)
        {
            return verb == "create" && creatable
                ? CreateOnlyVerb.HandleAsync(context, request, createOnly)
                : throw ApiException.MethodNotSupported(definition.GroupResource, MethodAction(method, named));
        }

        if (definition.Computed is { } computed)
        {
            return verb switch
            {
                "get" when named => ComputedReadVerb.GetAsync(context, request, computed),
                "list" => ComputedReadVerb.ListAsync(context, request, computed),
                _ => throw ApiException.MethodNotSupported(definition.GroupResource, MethodAction(method, named)),
            };
        }

        return verb switch
        {
            "get" => GetVerb.HandleAsync(context, request),
            "list" => ListVerb.HandleAsync(context, request),
            "watch" => WatchVerb.HandleAsync(context, request),
            "create" when creatable => CreateVerb.HandleAsync(context, request),
            "update" when named => UpdateVerb.HandleAsync(context, request),
            "patch" when named => PatchVerb.HandleAsync(context, request),
            "delete" => DeleteVerb.HandleAsync(context, request),
            "deletecollection" => DeleteCollectionVerb.HandleAsync(context, request),
            _ => throw ApiException.MethodNotSupported(definition.GroupResource, MethodAction(method, named)),
        };
    }

    /// <summary>The action a 405 names: the verb of the method (a GET or HEAD is named by the method).</summary>
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

    /// <summary>The namespace the path names ("" for a cluster-scoped resource, and for all namespaces).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The object the path names, or "" for the collection.</summary>
    public string Name { get; init; } = "";

    /// <summary>The handler of the subresource the path names, or null for the resource itself.</summary>
    public SubresourceHandler? Subresource { get; init; }

    /// <summary>What a body sent to the resource (or its /status) holds: an object of the endpoint's kind.</summary>
    public ExpectedBody ExpectedBody => new(Api.Protobuf.Codec, Definition.ApiVersion, Definition.Kind);

    /// <summary>The strategy that governs writes to the named subresource (the main strategy for the resource itself).</summary>
    public IResourceStrategy WriteStrategy => Subresource?.Strategy ?? Definition.Strategy;
}
