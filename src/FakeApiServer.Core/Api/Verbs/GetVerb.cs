using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>get (and get of /status): the stored bytes as they are, or a Table.</summary>
internal static class GetVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var rv = context.Request.Query["resourceVersion"].ToString();
        if (rv.Length == 0)
        {
            // resourceVersion unset: the most recent state, including writes through other replicas.
            await request.Api.Store.WaitForConsistentReadAsync(context.RequestAborted);
        }

        var stored = rv.Length > 0 && rv != "0"
            ? Registry.ResourceList.SnapshotFor(request.Api.Store, rv, null).Get(request.Definition.Key(request.Namespace, request.Name))
                ?? throw ApiException.NotFound(request.Definition.GroupResource, request.Name)
            : request.Store.Get(request.Namespace, request.Name);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, stored.Value, 200, request.Api);
    }
}
