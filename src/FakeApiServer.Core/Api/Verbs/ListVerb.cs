using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>list: one consistent snapshot, selectors, limit/continue.</summary>
internal static class ListVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.List(context.Request.Query);
        if (string.IsNullOrEmpty(options.ResourceVersion) && string.IsNullOrEmpty(options.Continue))
        {
            // resourceVersion unset: a consistent list, including writes through other replicas.
            await request.Api.Store.WaitForConsistentReadAsync(context.RequestAborted);
        }

        var list = ResourceList.List(request.Definition, request.Api.Store, request.Namespace, options);
        await ObjectResponses.WriteListAsync(context, request.Definition, list, request.Api);
    }
}
