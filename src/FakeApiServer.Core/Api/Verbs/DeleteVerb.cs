using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// delete: a Success Status when the object is gone at once; the object (200) when finalizers keep it, now
/// carrying deletionTimestamp. Options come from the body (JSON, YAML or protobuf; often without kind/apiVersion), the query, or neither.
/// </summary>
internal static class DeleteVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        if (request.Definition.DeleteRefusal?.Invoke(request.Name) is { } refusal)
        {
            throw refusal;
        }

        var options = await ReadOptionsAsync(context, request);
        var result = await request.Store.DeleteAsync(request.Namespace, request.Name, options, context.RequestAborted);
        if (!result.Removed || request.Definition.ReturnDeletedObject)
        {
            await ObjectResponses.WriteObjectAsync(context, request.Definition, result.Object.Value, 200, request.Api);
            return;
        }

        var details = new StatusDetails(request.Name, request.Definition.Group, request.Definition.Plural)
        {
            Uid = ObjectJson.Parse(result.Object.Value).Uid(),
        };
        await ApiErrors.WriteStatusAsync(context, 200, ApiErrors.SuccessBytes(details), request.Api.Protobuf);
    }

    public static async Task<DeleteOptions> ReadOptionsAsync(HttpContext context, ResourceRequest request)
    {
        var body = await RequestBody.ReadOptionsAsync(context.Request, ExpectedBody.DeleteOptions(request.Api.Protobuf.Codec), context.RequestAborted);
        if (body is not (null or JsonObject))
        {
            throw ApiException.BadRequest("the body of a delete must be a DeleteOptions object");
        }

        return QueryOptions.Delete(context.Request.Query, body as JsonObject) with { Warnings = new ResponseWarnings(context) };
    }
}
