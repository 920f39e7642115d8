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
        var binding = await RequestBody.ReadObjectAsync(context.Request, new ExpectedBody(request.Api.Protobuf.Codec, "v1", "Binding"), context.RequestAborted);
        var node = binding["target"]?["name"]?.GetValue<string>();
        var name = request.Name;
        if (string.IsNullOrEmpty(node))
        {
            throw ApiException.Invalid(new GroupKind("", "Binding"), name, [FieldError.Required("target.name")]);
        }

        await PodBinding.BindAsync(request.Store, request.Namespace, name, node, request.Api.Time, options, context.RequestAborted);
        await WriteSuccessAsync(context, request);
    }

    /// <summary>
    /// POST /api/v1/namespaces/{ns}/bindings, the legacy form: the Binding's metadata.name names the pod, and the pod is bound
    /// as through pods/binding (upstream's BindingREST serves both).
    /// </summary>
    public static async Task HandleLegacyAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Write(context.Request.Query) with { Subresource = "binding", Warnings = new ResponseWarnings(context) };
        var binding = await RequestBody.ReadObjectAsync(context.Request, new ExpectedBody(request.Api.Protobuf.Codec, "v1", "Binding"), context.RequestAborted);
        request.Definition.CheckTypeMeta(binding);
        var name = binding["metadata"]?["name"]?.GetValue<string>() ?? "";
        var node = binding["target"]?["name"]?.GetValue<string>();
        var errors = new List<FieldError>();
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name"));
        }

        if (string.IsNullOrEmpty(node))
        {
            errors.Add(FieldError.Required("target.name"));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(new GroupKind("", "Binding"), name, errors);
        }

        var pods = request.Api.Catalog.Get("", "pods");
        await PodBinding.BindAsync(pods, request.Namespace, name, node!, request.Api.Time, options, context.RequestAborted);
        await WriteSuccessAsync(context, request);
    }

    private static Task WriteSuccessAsync(HttpContext context, ResourceRequest request) =>
        ApiErrors.WriteStatusAsync(context, 201, ApiErrors.SuccessBytes(new StatusDetails(null, null, null)), request.Api.Protobuf);
}
