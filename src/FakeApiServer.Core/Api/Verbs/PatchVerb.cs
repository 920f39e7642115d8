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
    /// <summary>The patch types served, in upstream's 415 message (the installer's supportedTypes order).</summary>
    private const string Accepted = "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml";

    /// <summary>What kinds without a strategic merge schema (custom resources) accept, in upstream's 415 message.</summary>
    private const string AcceptedWithoutSchema = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var contentType = MediaTypes.ContentType(context.Request.ContentType);
        if (contentType == MediaTypes.ApplyPatch)
        {
            await ApplyAsync(context, request);
            return;
        }

        var schema = request.Store.Schema;
        Func<JsonNode?, JsonNode?, JsonNode?> apply = contentType switch
        {
            // The update loop hands the function its own copy of the stored object: the merge patch goes into it.
            MediaTypes.MergePatch => JsonMergePatch.ApplyInPlace,
            MediaTypes.JsonPatch => JsonPatch.Apply,
            MediaTypes.StrategicMergePatch when schema is not null && request.Definition.StrategicMergePatch => (current, patch) => StrategicMergePatch.Apply((JsonObject)current!, patch, schema),
            MediaTypes.StrategicMergePatch => throw ApiException.UnsupportedMediaType(contentType, AcceptedWithoutSchema),
            _ => throw ApiException.UnsupportedMediaType(contentType ?? "", Accepted),
        };
        var options = QueryOptions.Patch(context.Request, request.Info.Subresource, apply: false);
        var bytes = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted);
        var patch = RequestBody.Parse(bytes, contentType);
        Observability.Audit.RequestAudit.Of(context)?.LogRequestPatch(patch);
        if (contentType == MediaTypes.JsonPatch)
        {
            JsonPatch.Validate(patch, strictDecoding: context.Request.Query["fieldValidation"].ToString() != "Ignore");
        }

        var name = request.Name;
        var updated = await request.Store.UpdateAsync(request.Namespace, name, current =>
        {
            // The patch sees the stored resourceVersion (kubectl's managed-fields migration tests it with a JSON
            // Patch "test"); only one the patch changes is a precondition, so an unchanged one is dropped and a
            // concurrent write is retried rather than reported as a conflict.
            var storedRv = current.ResourceVersion();
            JsonNode? result;
            try
            {
                result = apply(current, patch);
            }
            catch (JsonPatchException e)
            {
                throw new ApiException(422, "Invalid", e.Message);
            }

            var patched = result as JsonObject ?? throw ApiException.BadRequest("the patch does not produce an object");
            if (contentType == MediaTypes.StrategicMergePatch)
            {
                TypedDecoding.CheckStrategicPatched(schema, patched, patch);
            }
            else
            {
                TypedDecoding.CheckJsonPatched(schema, patched);
            }

            if (patched["metadata"] is JsonObject meta && meta.GetString("resourceVersion") == storedRv)
            {
                meta.Remove("resourceVersion");
            }

            return patched;
        }, request.WriteStrategy, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, updated.Value, 200, request.Api);
    }

    /// <summary>
    /// Server-side apply (application/apply-patch+yaml, YAML or JSON): the body is the applier's whole intent for
    /// the object, which is created when missing (201), as upstream's applyPatcher does through forceAllowCreate.
    /// </summary>
    private static async Task ApplyAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Patch(context.Request, request.Info.Subresource, apply: true);
        var bytes = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted);
        JsonNode? parsed;
        try
        {
            parsed = RequestBody.Parse(bytes, MediaTypes.ApplyPatch);
            Observability.Audit.RequestAudit.Of(context)?.LogRequestPatch(parsed);
        }
        catch (ApiException e) when (e.Code == 400)
        {
            // upstream's applyPatcher: yaml.Unmarshal's error, under "error decoding YAML: ".
            throw ApiException.BadRequest("error decoding YAML: " + e.Message);
        }

        var config = parsed as JsonObject ?? throw ApiException.BadRequest("error decoding YAML: the apply patch must be an object");
        TypedDecoding.CheckApplied(request.Definition, request.Namespace, request.Name, request.Store.Schema, config);
        var (stored, created) = await request.Store.ApplyAsync(
            request.Namespace, request.Name, config, request.WriteStrategy, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, stored.Value, created ? 201 : 200, request.Api);
    }
}
