using FakeApiServer.Registry;
using FakeApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>create of a resource that is never stored (the reviews): 201 with the request's object, its status filled.</summary>
internal static class CreateOnlyVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request, ICreateOnlyResource resource)
    {
        var definition = request.Definition;
        var obj = await RequestBody.ReadObjectAsync(context.Request, request.ExpectedBody, context.RequestAborted);
        definition.CheckTypeMeta(obj);
        var answer = resource.Create(context.GetUser(), request.Namespace, obj);
        await ObjectResponses.WriteObjectAsync(context, definition, ObjectJson.Serialize(answer), 201, request.Api);
    }
}
