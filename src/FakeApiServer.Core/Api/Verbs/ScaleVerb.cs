using System.Text.Json.Nodes;
using FakeApiServer.Api.Patching;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// The /scale subresource: an autoscaling/v1 Scale view of the object (spec.replicas, status.replicas,
/// status.selector) read and written through the kind's replica paths.
/// </summary>
internal static class ScaleVerb
{
    private const string ScaleApiVersion = "autoscaling/v1";

    public static Task GetAsync(HttpContext context, ResourceRequest request, ScaleSubresource paths)
    {
        var stored = request.Store.Get(request.Namespace, request.Name);
        var scale = ToScale(paths, ObjectJson.Parse(stored.Value));
        return WriteScaleAsync(context, request.Api.Protobuf, scale);
    }

    public static async Task UpdateAsync(HttpContext context, ResourceRequest request, ScaleSubresource paths)
    {
        var body = await RequestBody.ReadObjectAsync(context.Request, ScaleBody(request.Api.Protobuf), context.RequestAborted);
        await WriteReplicasAsync(context, request, paths, _ => body);
    }

    public static async Task PatchAsync(HttpContext context, ResourceRequest request, ScaleSubresource paths)
    {
        var contentType = MediaTypes.ContentType(context.Request.ContentType);
        var bytes = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted);
        var patch = RequestBody.Parse(bytes, contentType);
        await WriteReplicasAsync(context, request, paths, scale =>
        {
            // As for any patch, a resourceVersion is a precondition only when the patch itself names one; otherwise a
            // concurrent write (a controller's status update) is retried, not answered with 409.
            scale.Metadata().Remove("resourceVersion");
            try
            {
                return (contentType switch
                {
                    MediaTypes.MergePatch or MediaTypes.StrategicMergePatch => JsonMergePatch.Apply(scale, patch),
                    MediaTypes.JsonPatch => JsonPatch.Apply(scale, patch),
                    _ => throw ApiException.UnsupportedMediaType(contentType ?? "", "application/json-patch+json, application/merge-patch+json"),
                }) as JsonObject ?? throw ApiException.BadRequest("the patch does not produce an object");
            }
            catch (JsonPatchException e)
            {
                throw new ApiException(422, "Invalid", e.Message);
            }
        });
    }

    private static async Task WriteReplicasAsync(HttpContext context, ResourceRequest request, ScaleSubresource paths, Func<JsonObject, JsonObject> newScale)
    {
        var options = QueryOptions.Write(context.Request, "scale", "UpdateOptions");
        var definition = request.Definition;
        var updated = await request.Store.UpdateAsync(request.Namespace, request.Name, obj =>
        {
            var scale = newScale(ToScale(paths, obj));
            var replicas = scale["spec"]?["replicas"];
            if (ObjectMeta.AsInt64(replicas) is not { } count || count < 0)
            {
                throw ApiException.Invalid(new GroupKind("autoscaling", "Scale"), request.Name,
                    [FieldError.Invalid("spec.replicas", ObjectMeta.AsInt64(replicas) is { } negative ? negative : replicas?.ToJsonString() ?? "null", "must be greater than or equal to 0")]);
            }

            var rv = scale.Metadata().GetString("resourceVersion");
            SetPath(obj, paths.SpecReplicasPath, JsonValue.Create(count));
            if (string.IsNullOrEmpty(rv))
            {
                obj.Metadata().Remove("resourceVersion");
            }
            else
            {
                obj.Metadata()["resourceVersion"] = rv;
            }

            return obj;
        }, definition.Strategy, options, context.RequestAborted);
        await WriteScaleAsync(context, request.Api.Protobuf, ToScale(paths, ObjectJson.Parse(updated.Value)));
    }

    /// <summary>The autoscaling/v1 Scale of <paramref name="obj"/>: its replicas and selector at <paramref name="paths"/>.</summary>
    internal static JsonObject ToScale(ScaleSubresource paths, JsonObject obj)
    {
        var meta = obj.Metadata();
        var selector = paths.LabelSelectorPath is { } path ? GetPath(obj, path) : null;
        var selectorText = selector switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonObject o => LabelSelector.FromLabelSelectorObject(o).ToString(),
            _ => null,
        };
        if (selectorText is null && paths.SpecSelectorFallback && obj["spec"]?["selector"] is JsonObject specSelector)
        {
            // A replication controller's selector is a plain label map; the workloads' is a metav1.LabelSelector.
            selectorText = LabelSelector.FromLabelSelectorObject(
                paths.SpecSelectorIsMap ? new JsonObject { ["matchLabels"] = specSelector.DeepClone() } : specSelector).ToString();
        }

        var status = new JsonObject { ["replicas"] = GetPath(obj, paths.StatusReplicasPath)?.DeepClone() ?? 0 };
        if (!string.IsNullOrEmpty(selectorText))
        {
            status["selector"] = selectorText;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = ScaleApiVersion,
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = GetPath(obj, paths.SpecReplicasPath)?.DeepClone() ?? 0 },
            ["status"] = status,
        };
    }

    /// <summary>The Scale every /scale endpoint reads and writes (custom resources' too: the scale handler has protobuf).</summary>
    private static ExpectedBody ScaleBody(ProtobufResponses protobuf) => new(protobuf.Codec, ScaleApiVersion, "Scale");

    private static async Task WriteScaleAsync(HttpContext context, ProtobufResponses protobuf, JsonObject scale)
    {
        context.Response.StatusCode = 200;
        var json = ObjectJson.Serialize(scale);
        if (MediaTypes.NegotiateResource(context.Request.Headers.Accept, () => protobuf.Codec.Supports(ScaleApiVersion, "Scale")) == MediaTypes.ResourceForm.Protobuf)
        {
            context.Response.ContentType = MediaTypes.Protobuf;
            await context.Response.Body.WriteAsync(protobuf.Built(ScaleApiVersion, "Scale", json), context.RequestAborted);
            return;
        }

        context.Response.ContentType = MediaTypes.Json;
        await JsonBody.WriteAsync(context, json);
    }

    private static JsonNode? GetPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        return node;
    }

    /// <summary>Sets the desired replicas of <paramref name="obj"/> at <paramref name="paths"/>, as a write to /scale does.</summary>
    internal static void SetReplicas(ScaleSubresource paths, JsonObject obj, long replicas) => SetPath(obj, paths.SpecReplicasPath, JsonValue.Create(replicas));

    private static void SetPath(JsonObject obj, string path, JsonNode value)
    {
        var parts = path.TrimStart('.').Split('.');
        var node = obj;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = [];
                node[part] = child;
            }

            node = child;
        }

        node[parts[^1]] = value;
    }
}
