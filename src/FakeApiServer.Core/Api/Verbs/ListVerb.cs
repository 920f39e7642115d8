using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>list: one consistent snapshot, selectors, limit/continue.</summary>
internal static class ListVerb
{
    public static Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.List(context.Request.Query);
        var list = ResourceList.List(request.Definition, request.Api.Store, request.Namespace, options);
        return ObjectResponses.WriteListAsync(context, request.Definition, list, request.Api);
    }
}
