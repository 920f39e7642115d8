using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// delete: a Success Status when the object is gone at once; the object (200) when finalizers keep it, now
/// carrying deletionTimestamp. Options come from the body (often without kind/apiVersion), the query, or neither.
/// </summary>
internal static class DeleteVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = await ReadOptionsAsync(context);
        var result = await request.Store.DeleteAsync(request.Info.Namespace, request.Info.Name, options, context.RequestAborted);
        if (!result.Removed || request.Definition.ReturnDeletedObject)
        {
            await ObjectResponses.WriteObjectAsync(context, request.Definition, result.Object.Value, 200, request.Api.Time);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = MediaTypes.Json;
        var details = new StatusDetails(request.Info.Name, request.Definition.Group, request.Definition.Plural)
        {
            Uid = ObjectJson.Parse(result.Object.Value).Uid(),
        };
        await JsonBody.WriteAsync(context, ApiErrors.SuccessBytes(details));
    }

    public static async Task<DeleteOptions> ReadOptionsAsync(HttpContext context)
    {
        var bytes = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted);
        var body = RequestBody.Parse(bytes, MediaTypes.ContentType(context.Request.ContentType));
        if (body is not (null or JsonObject))
        {
            throw ApiException.BadRequest("the body of a delete must be a DeleteOptions object");
        }

        return QueryOptions.Delete(context.Request.Query, body as JsonObject) with { Warnings = new ResponseWarnings(context) };
    }
}
