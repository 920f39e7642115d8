using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/binding (POST): assigns a pod to a node as the scheduler does (pkg/registry/core/pod/storage.go
/// assignPod, in <see cref="PodBinding"/>): sets spec.nodeName and the PodScheduled condition; a pod already bound is a 409.
/// </summary>
internal static class BindingVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        // Admission sees pods/binding, as upstream; no field manager: binding records no managedFields.
        var options = QueryOptions.Write(context.Request.Query) with { Subresource = "binding", Warnings = new ResponseWarnings(context) };
        var binding = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var node = binding["target"]?["name"]?.GetValue<string>();
        var name = request.Info.Name;
        if (string.IsNullOrEmpty(node))
        {
            throw ApiException.Invalid(new GroupKind("", "Binding"), name, [FieldError.Required("target.name")]);
        }

        await PodBinding.BindAsync(request.Store, request.Info.Namespace, name, node, request.Api.Time, options, context.RequestAborted);

        context.Response.StatusCode = 201;
        context.Response.ContentType = MediaTypes.Json;
        await JsonBody.WriteAsync(context, ApiErrors.SuccessBytes(new StatusDetails(null, null, null)));
    }
}
