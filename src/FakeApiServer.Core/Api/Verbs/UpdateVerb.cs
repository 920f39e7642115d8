using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>update (PUT) of the resource, its /status or a namespace's /finalize: optimistic concurrency through metadata.resourceVersion.</summary>
internal static class UpdateVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Write(context.Request.Query);
        var body = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var updated = await request.Store.UpdateAsync(
            request.Info.Namespace, request.Info.Name, _ => (System.Text.Json.Nodes.JsonObject)body.DeepClone(), request.WriteStrategy, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, updated.Value, 200, request.Api.Time);
    }
}
