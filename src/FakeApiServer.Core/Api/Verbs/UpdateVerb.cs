using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>update (PUT) of the resource, its /status or a namespace's /finalize: optimistic concurrency through metadata.resourceVersion.</summary>
internal static class UpdateVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Write(context.Request, request.Info.Subresource, "UpdateOptions");
        var (body, bytes) = await RequestBody.ReadObjectAndBytesAsync(context.Request, request.ExpectedBody, context.RequestAborted);
        TypedDecoding.CheckBody(request.Definition, request.Store.Schema, body);
        FieldValidation.Apply(context, request.Definition, request.Store.Schema, body, bytes);
        var uid = body.Metadata().GetString("uid");
        var updated = await request.Store.ReplaceAsync(request.Namespace, request.Name, current =>
        {
            // A uid in the body is a precondition, as upstream's defaultUpdatedObjectInfo.Preconditions makes it.
            if (!string.IsNullOrEmpty(uid) && uid != current.Uid())
            {
                throw ApiException.ConflictWith(request.Definition.GroupResource, request.Name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid()}");
            }

            return (JsonObject)body.DeepClone();
        }, request.WriteStrategy, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, updated.Value, 200, request.Api);
    }
}
