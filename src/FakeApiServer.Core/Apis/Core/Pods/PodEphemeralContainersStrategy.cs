using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// pods/ephemeralcontainers (upstream's podEphemeralContainersStrategy): a write changes spec.ephemeralContainers and
/// nothing else (every other change is dropped, as dropNonEphemeralContainerUpdates does), and
/// ValidatePodEphemeralContainersUpdate's rules apply: existing ephemeral containers may be neither removed nor changed, each
/// has a name unique among all the pod's containers and an image, targets an existing container, and sets only the fields
/// an ephemeral container may have. Static (mirror) pods take none.
/// </summary>
internal sealed class PodEphemeralContainersStrategy(PodStrategy main) : StatusStrategy(main)
{
    /// <summary>A change of the pod spec through this subresource bumps the generation (upstream's updatePodGeneration).</summary>
    public override bool TracksGeneration => true;

    private const string MirrorPodAnnotation = "kubernetes.io/config.mirror";

    private const string NotForEphemeral = "cannot be set for an Ephemeral Container";

    /// <summary>The Container fields an EphemeralContainer has but may not set (all but upstream's allowedEphemeralContainerFields).</summary>
    private static readonly string[] ForbiddenFields =
        ["ports", "resources", "resizePolicy", "restartPolicy", "lifecycle", "livenessProbe", "readinessProbe", "startupProbe"];

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var ephemeral = newObj["spec"]?["ephemeralContainers"]?.DeepClone();
        RestoreStored(newObj, oldObj);
        var spec = newObj.ChildObject("spec");
        if (ephemeral is null)
        {
            spec.Remove("ephemeralContainers");
        }
        else
        {
            spec["ephemeralContainers"] = ephemeral;
        }
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Main.Validate(newObj));
        if (oldObj.Metadata()["annotations"]?[MirrorPodAnnotation] is not null)
        {
            return [FieldError.Forbidden("", "static pods do not support ephemeral containers")];
        }

        var spec = newObj["spec"] as JsonObject;
        var containers = Names(spec?["containers"]).Concat(Names(spec?["initContainers"])).ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(containers, StringComparer.Ordinal);
        var ephemeral = spec?["ephemeralContainers"] as JsonArray ?? [];
        for (var i = 0; i < ephemeral.Count; i++)
        {
            var path = $"spec.ephemeralContainers[{i}]";
            if (ephemeral[i] is not JsonObject container)
            {
                errors.Add(FieldError.Required(path));
                continue;
            }

            var name = container.GetString("name") ?? "";
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required(path + ".name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(FieldError.Duplicate(path + ".name", name));
            }

            if (string.IsNullOrEmpty(container.GetString("image")))
            {
                errors.Add(FieldError.Required(path + ".image"));
            }

            if (container.GetString("targetContainerName") is { Length: > 0 } target && !containers.Contains(target))
            {
                errors.Add(FieldError.NotFound(path + ".targetContainerName", target));
            }

            foreach (var field in ForbiddenFields)
            {
                if (IsSet(container[field]))
                {
                    errors.Add(FieldError.Forbidden(path + "." + field, NotForEphemeral));
                }
            }

            var mounts = container["volumeMounts"] as JsonArray ?? [];
            for (var m = 0; m < mounts.Count; m++)
            {
                foreach (var field in new[] { "subPath", "subPathExpr" })
                {
                    if (mounts[m]?[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
                    {
                        errors.Add(FieldError.Forbidden($"{path}.volumeMounts[{m}].{field}", NotForEphemeral));
                    }
                }
            }
        }

        var byName = ephemeral.OfType<JsonObject>().GroupBy(c => c.GetString("name") ?? "").ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var old in (oldObj["spec"]?["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = old.GetString("name") ?? "";
            if (!byName.TryGetValue(name, out var current))
            {
                errors.Add(FieldError.Forbidden("spec.ephemeralContainers", $"existing ephemeral containers \"{name}\" may not be removed\n"));
            }
            else if (!JsonNode.DeepEquals(old, current))
            {
                errors.Add(FieldError.Forbidden("spec.ephemeralContainers", $"existing ephemeral containers \"{name}\" may not be changed\n"));
            }
        }

        return errors;
    }

    private static IEnumerable<string> Names(JsonNode? containers) =>
        (containers as JsonArray ?? []).OfType<JsonObject>().Select(c => c.GetString("name") ?? "").Where(n => n.Length > 0);

    /// <summary>Whether a field holds something other than its zero value (Go's reflect IsZero: null, empty object or list, "", 0, false).</summary>
    private static bool IsSet(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => v.GetValue<string>().Length > 0,
            System.Text.Json.JsonValueKind.False or System.Text.Json.JsonValueKind.Null => false,
            System.Text.Json.JsonValueKind.Number => v.ToJsonString() != "0",
            _ => true,
        },
        _ => true,
    };
}
