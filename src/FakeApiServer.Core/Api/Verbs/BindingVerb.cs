using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/binding (POST): assigns a pod to a node as the scheduler does (pkg/registry/core/pod/storage.go
/// assignPod): sets spec.nodeName and the PodScheduled condition; a pod already bound is a 409.
/// </summary>
internal static class BindingVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = QueryOptions.Write(context.Request.Query);
        var binding = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var node = binding["target"]?["name"]?.GetValue<string>();
        var name = request.Info.Name;
        if (string.IsNullOrEmpty(node))
        {
            throw ApiException.Invalid(new GroupKind("", "Binding"), name, [FieldError.Required("target.name")]);
        }

        var now = ObjectMeta.FormatTime(request.Api.Time.GetUtcNow());
        await request.Store.UpdateAsync(request.Info.Namespace, name, pod =>
        {
            pod.Metadata().Remove("resourceVersion");
            if (pod.HasDeletionTimestamp())
            {
                throw ApiException.ConflictWith(request.Definition.GroupResource, name, "pod is being deleted, cannot be assigned to a host");
            }

            var spec = pod["spec"] as JsonObject ?? [];
            if (spec.GetString("nodeName") is { Length: > 0 } assigned)
            {
                throw ApiException.ConflictWith(request.Definition.GroupResource, name, $"pod {name} is already assigned to node \"{assigned}\"");
            }

            spec["nodeName"] = node;
            pod["spec"] = spec;
            var status = pod["status"] as JsonObject ?? [];
            var conditions = status["conditions"] as JsonArray ?? [];
            foreach (var existing in conditions.OfType<JsonObject>().Where(c => c.GetString("type") == "PodScheduled").ToList())
            {
                conditions.Remove(existing);
            }

            conditions.Add(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now });
            status["conditions"] = conditions;
            pod["status"] = status;
            return pod;
        }, BindingStrategy.Instance, options, context.RequestAborted);

        context.Response.StatusCode = 201;
        context.Response.ContentType = MediaTypes.Json;
        await context.Response.Body.WriteAsync(ApiErrors.SuccessBytes(new StatusDetails(null, null, null)), context.RequestAborted);
    }

    /// <summary>Binding changes exactly what it sets: spec.nodeName and the PodScheduled condition.</summary>
    private sealed class BindingStrategy : ResourceStrategy
    {
        public static readonly BindingStrategy Instance = new();

        private BindingStrategy()
            : base(hasStatus: false)
        {
        }
    }
}
