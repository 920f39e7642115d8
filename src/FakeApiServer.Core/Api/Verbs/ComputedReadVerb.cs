using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>get and list of a resource computed on each read (metrics.k8s.io): JSON or a Table, never stored bytes.</summary>
internal static class ComputedReadVerb
{
    public static Task GetAsync(HttpContext context, ResourceRequest request, IComputedResource resource)
    {
        var obj = resource.Get(request.Namespace, request.Name);
        return ObjectResponses.WriteObjectAsync(context, request.Definition, ObjectJson.Serialize(obj), 200, request.Api);
    }

    public static Task ListAsync(HttpContext context, ResourceRequest request, IComputedResource resource)
    {
        var options = QueryOptions.List(context.Request.Query);
        var items = resource.List(request.Namespace, options.Labels, options.Fields);
        var list = new ListResult(items.Select(i => new Storage.StoredObject("", 0, 0, ObjectJson.Serialize(i))).ToList(), 0, null, null);
        return ObjectResponses.WriteListAsync(context, request.Definition, list, request.Api);
    }
}
