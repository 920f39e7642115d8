using System.Text.Json.Nodes;
using FakeApiServer.Features;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// core/v1 Pod (pkg/registry/core/pod/strategy.go and the v1 defaulters): defaults the fields the API server
/// fills, starts every pod Pending with its QoS class, and allows only the spec changes upstream allows (so
/// spec.networks is immutable). KEP-3698: spec.networks is validated statically, and dropped from a new pod when
/// the MultiNetwork gate is off (kept on update when the stored pod has it: dropDisabledFields).
/// </summary>
/// <remarks>
/// Deletion is graceful (upstream's CheckGracefulDelete) for pods bound to a node whose kubelet runs in this server
/// (<see cref="KubeletNodes"/>), since only a kubelet finishes a graceful delete; every other pod is deleted at once.
/// </remarks>
internal sealed class PodStrategy(FeatureGates gates) : ResourceStrategy(hasStatus: true), IGracefulDeleteStrategy
{
    public override bool TracksGeneration => true;

    /// <summary>The feature gates the pod strategies follow.</summary>
    internal FeatureGates Gates { get; } = gates;

    /// <summary>The nodes a running simulated kubelet serves; their pods are deleted gracefully.</summary>
    internal IReadOnlySet<string> KubeletNodes { get; init; } = new HashSet<string>();

    /// <summary>
    /// The requested period, else spec.terminationGracePeriodSeconds; 0 for pods not on a kubelet's node or already
    /// terminated (Succeeded/Failed); a negative period becomes 1, as upstream.
    /// </summary>
    public long GracePeriodSeconds(JsonObject obj, long? requested)
    {
        var spec = obj["spec"] as JsonObject;
        var period = requested ?? spec?.GetInt64("terminationGracePeriodSeconds") ?? 0;
        if (spec?.GetString("nodeName") is not { Length: > 0 } node || !KubeletNodes.Contains(node)
            || obj["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
        {
            return 0;
        }

        return period < 0 ? 1 : period;
    }

    internal const string UpdateForbiddenMessage =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        var spec = obj["spec"] as JsonObject;
        if (spec is not null)
        {
            if (!Gates.Enabled(FeatureName.MultiNetwork))
            {
                spec.Remove("networks");
            }
        }

        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = PodDefaults.QosClass(spec) };
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        if (newObj["spec"] is not JsonObject spec)
        {
            return;
        }

        if (!Gates.Enabled(FeatureName.MultiNetwork) && oldObj["spec"]?["networks"] is null)
        {
            spec.Remove("networks");
        }

        KeepOmittedNetworks(spec, oldObj["spec"] as JsonObject);
    }

    /// <summary>
    /// An update whose spec has no networks field (absent or null) keeps the stored spec.networks (docs/defaulting.md):
    /// every released client drops the field it does not know when it reads a pod and writes it back, and since the field is
    /// immutable, leaving it out can only mean "unchanged". An explicit list, the empty one included, is compared as written.
    /// </summary>
    private static void KeepOmittedNetworks(JsonObject spec, JsonObject? oldSpec)
    {
        if (spec["networks"] is null && oldSpec?["networks"] is { } stored)
        {
            spec["networks"] = stored.DeepClone();
        }
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

        PodNetworksValidation.ValidateNetworks(spec, errors);
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

/// <summary>
/// pods/status: only status changes (and the pod's conditions, phase and IPs with it). status.podIPs is validated
/// (<see cref="PodNetworksValidation.ValidatePodIPs"/>). With the MultiNetwork gate on, every podIPs entry carries
/// podNetwork ("" when unlabelled), as the fork's PodIP type always writes it; with it off, the labels are dropped
/// unless the stored status already uses them.
/// </summary>
internal sealed class PodStatusStrategy(PodStrategy main) : StatusStrategy(main)
{
    private readonly FeatureGates _gates = main.Gates;

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        if (newObj["status"]?["podIPs"] is not JsonArray podIps)
        {
            return;
        }

        var multiNetwork = _gates.Enabled(FeatureName.MultiNetwork);
        var keepLabels = multiNetwork || (oldObj["status"]?["podIPs"] as JsonArray)?.OfType<JsonObject>()
            .Any(p => p["podNetwork"] is not null || p["interfaceName"] is not null) == true;
        foreach (var entry in podIps.OfType<JsonObject>())
        {
            if (!keepLabels)
            {
                entry.Remove("podNetwork");
                entry.Remove("interfaceName");
            }
            else if (multiNetwork && entry["podNetwork"] is null)
            {
                entry["podNetwork"] = "";
            }
        }
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        PodNetworksValidation.ValidatePodIPs(newObj, _gates.Enabled(FeatureName.MultiNetwork));
}
