using System.Text.Json.Nodes;
using FakeApiServer.Api.Patching;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// patch of the resource or its /status: the patch is applied to the newest stored object inside the update
/// retry loop, so a concurrent write is never lost; a metadata.resourceVersion in the patch is a precondition.
/// </summary>
internal static class PatchVerb
{
    /// <summary>The patch types served so far; server-side apply comes with managed fields.</summary>
    private const string Accepted = "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json";

    /// <summary>What kinds without a strategic merge schema (custom resources) accept, in upstream's 415 message.</summary>
    private const string AcceptedWithoutSchema = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var contentType = MediaTypes.ContentType(context.Request.ContentType);
        var schema = request.Store.Schema;
        Func<JsonNode?, JsonNode?, JsonNode?> apply = contentType switch
        {
            MediaTypes.MergePatch => JsonMergePatch.Apply,
            MediaTypes.JsonPatch => JsonPatch.Apply,
            MediaTypes.StrategicMergePatch when schema is not null => (current, patch) => StrategicMergePatch.Apply((JsonObject)current!, patch, schema),
            MediaTypes.StrategicMergePatch => throw ApiException.UnsupportedMediaType(contentType, AcceptedWithoutSchema),
            _ => throw ApiException.UnsupportedMediaType(contentType ?? "", Accepted),
        };
        var options = QueryOptions.Write(context.Request.Query);
        var bytes = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted);
        var patch = RequestBody.Parse(bytes, contentType);
        var name = request.Info.Name;
        var updated = await request.Store.UpdateAsync(request.Info.Namespace, name, current =>
        {
            // A resourceVersion in the result must come from the patch alone, where it is a precondition.
            current.Metadata().Remove("resourceVersion");
            JsonNode? result;
            try
            {
                result = apply(current, patch);
            }
            catch (JsonPatchException e)
            {
                throw new ApiException(422, "Invalid", e.Message);
            }

            return result as JsonObject ?? throw ApiException.BadRequest("the patch does not produce an object");
        }, request.WriteStrategy, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, updated.Value, 200, request.Api.Time);
    }
}
