using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>get (and get of /status): the stored bytes as they are, or a Table.</summary>
internal static class GetVerb
{
    public static Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var rv = context.Request.Query["resourceVersion"].ToString();
        var stored = rv.Length > 0 && rv != "0"
            ? Registry.ResourceList.SnapshotFor(request.Api.Store, rv, null).Get(request.Definition.Key(request.Namespace, request.Name))
                ?? throw ApiException.NotFound(request.Definition.GroupResource, request.Name)
            : request.Store.Get(request.Namespace, request.Name);
        return ObjectResponses.WriteObjectAsync(context, request.Definition, stored.Value, 200, request.Api);
    }
}
