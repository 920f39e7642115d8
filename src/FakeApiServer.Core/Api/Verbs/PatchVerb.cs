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
    /// <summary>The patch types served so far; strategic merge and server-side apply come with the schema machinery (issue 3).</summary>
    private const string Accepted = "application/json-patch+json, application/merge-patch+json";

    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var contentType = MediaTypes.ContentType(context.Request.ContentType);
        Func<JsonNode?, JsonNode?, JsonNode?> apply = contentType switch
        {
            MediaTypes.MergePatch => JsonMergePatch.Apply,
            MediaTypes.JsonPatch => JsonPatch.Apply,
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
