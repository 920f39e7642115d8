using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>create: 201 with the stored object, also for a dry run (upstream's create handler answers 201 either way).</summary>
internal static class CreateVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Write(context.Request, "", "CreateOptions");
        var (obj, body) = await RequestBody.ReadObjectAndBytesAsync(context.Request, request.ExpectedBody, context.RequestAborted);
        TypedDecoding.CheckBody(request.Definition, request.Store.Schema, obj);
        FieldValidation.Apply(context, request.Definition, request.Store.Schema, obj, body);
        var created = await request.Store.CreateAsync(request.Namespace, obj, options, context.RequestAborted);
        await ObjectResponses.WriteObjectAsync(context, request.Definition, created.Value, 201, request.Api);
    }
}
