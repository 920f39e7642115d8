using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// core/v1 Pod (pkg/registry/core/pod/strategy.go and the v1 defaulters): defaults the fields the API server
/// fills, starts every pod Pending with its QoS class, and allows only the spec changes upstream allows.
/// </summary>
internal sealed class PodStrategy() : ResourceStrategy(hasStatus: true)
{
    internal const string UpdateForbiddenMessage =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        var spec = obj["spec"] as JsonObject;
        if (spec is not null)
        {
            PodDefaults.Apply(spec);
        }

        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = PodDefaults.QosClass(spec) };
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add(FieldError.Required("spec.containers"));
            return errors;
        }

        if (spec["containers"] is not JsonArray { Count: > 0 } containers)
        {
            errors.Add(FieldError.Required("spec.containers"));
            return errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        ValidateContainers(containers, "spec.containers", names, errors);
        if (spec["initContainers"] is JsonArray init)
        {
            ValidateContainers(init, "spec.initContainers", names, errors);
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        if (!JsonNode.DeepEquals(MutableFieldsCleared(newObj), MutableFieldsCleared(oldObj)))
        {
            errors.Add(FieldError.Forbidden("spec", UpdateForbiddenMessage));
        }

        return errors;
    }

    private static void ValidateContainers(JsonArray containers, string path, HashSet<string> names, List<FieldError> errors)
    {
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i] is not JsonObject c)
            {
                errors.Add(FieldError.Required($"{path}[{i}]"));
                continue;
            }

            var name = c.GetString("name");
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(FieldError.Required($"{path}[{i}].name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(FieldError.Duplicate($"{path}[{i}].name", name));
            }

            if (string.IsNullOrEmpty(c.GetString("image")))
            {
                errors.Add(FieldError.Required($"{path}[{i}].image"));
            }
        }
    }

    /// <summary>The spec without the fields an update may change, for comparing old and new.</summary>
    private static JsonObject? MutableFieldsCleared(JsonObject pod)
    {
        if (pod["spec"]?.DeepClone() is not JsonObject spec)
        {
            return null;
        }

        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (spec[list] is JsonArray containers)
            {
                foreach (var c in containers.OfType<JsonObject>())
                {
                    c.Remove("image");
                }
            }
        }

        spec.Remove("activeDeadlineSeconds");
        spec.Remove("tolerations");
        spec.Remove("terminationGracePeriodSeconds");
        return spec;
    }
}

/// <summary>pods/status: only status changes (and the pod's conditions, phase and IPs with it).</summary>
internal sealed class PodStatusStrategy(IResourceStrategy main) : StatusStrategy(main);
