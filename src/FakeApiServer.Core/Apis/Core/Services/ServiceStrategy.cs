using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Services;

/// <summary>
/// core/v1 Service (pkg/registry/core/service/strategy.go; defaults in <see cref="ServiceDefaults"/>): allocated values (cluster IPs, node ports) are kept across updates.
/// </summary>
internal sealed class ServiceStrategy() : ResourceStrategy(hasStatus: true)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        if (newObj["spec"] is not JsonObject spec || oldObj["spec"] is not JsonObject oldSpec)
        {
            return;
        }

        if (NeedsClusterIp(oldSpec) && !NeedsClusterIp(spec))
        {
            DropClusterIpFields(spec, oldSpec);
        }
        else if (NeedsClusterIp(spec))
        {
            // Upstream's patchAllocatedValues: an update that leaves the allocated values out keeps them.
            foreach (var field in ClusterIpFields)
            {
                if (spec[field] is null && oldSpec[field] is { } value)
                {
                    spec[field] = value.DeepClone();
                }
            }
        }

        if (NeedsNodePorts(oldSpec) && !NeedsNodePorts(spec) && spec["ports"] is JsonArray ports && oldSpec["ports"] is JsonArray oldPorts
            && ports.Select(p => p?["nodePort"]?.ToJsonString()).SequenceEqual(oldPorts.Select(p => p?["nodePort"]?.ToJsonString())))
        {
            // dropTypeDependentFields: node ports the client did not change are released with the type that needed them.
            foreach (var port in ports.OfType<JsonObject>())
            {
                port.Remove("nodePort");
            }
        }
    }

    private static readonly string[] ClusterIpFields = ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"];

    private static bool NeedsClusterIp(JsonObject spec) => spec.GetString("type") != "ExternalName";

    private static bool NeedsNodePorts(JsonObject spec) => spec.GetString("type") is "NodePort" or "LoadBalancer";

    /// <summary>
    /// Upstream's dropTypeDependentFields on a change to ExternalName: the cluster IP fields the client left as they
    /// were (or left out) are wiped, which releases the addresses; values the client changed stay for validation to judge.
    /// </summary>
    private static void DropClusterIpFields(JsonObject spec, JsonObject oldSpec)
    {
        var sameIps = spec["clusterIP"] is null && spec["clusterIPs"] is null
            || JsonNode.DeepEquals(spec["clusterIP"], oldSpec["clusterIP"]) && (spec["clusterIPs"] is null || JsonNode.DeepEquals(spec["clusterIPs"], oldSpec["clusterIPs"]));
        if (sameIps)
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
        }

        foreach (var field in new[] { "ipFamilies", "ipFamilyPolicy" })
        {
            if (spec[field] is null || JsonNode.DeepEquals(spec[field], oldSpec[field]))
            {
                spec.Remove(field);
            }
        }
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject;
        var type = spec?.GetString("type") ?? "ClusterIP";
        string[] types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
        if (!types.Contains(type))
        {
            errors.Add(FieldError.NotSupported("spec.type", type, types));
        }

        var headless = spec?.GetString("clusterIP") == "None";
        if (type != "ExternalName" && !headless && spec?["ports"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.ports"));
        }

        if (spec?["ports"] is JsonArray ports)
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var port = ports[i] as JsonObject;
                var number = port?.GetInt64("port") ?? 0;
                if (number is < 1 or > 65535)
                {
                    errors.Add(FieldError.Invalid($"spec.ports[{i}].port", number, "must be between 1 and 65535, inclusive"));
                }

                if (ports.Count > 1 && string.IsNullOrEmpty(port?.GetString("name")))
                {
                    errors.Add(FieldError.Required($"spec.ports[{i}].name"));
                }
            }
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        var oldIp = oldObj["spec"]?["clusterIP"]?.GetValue<string>();
        var newIp = newObj["spec"]?["clusterIP"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(oldIp) && newIp != oldIp && newObj["spec"]?["type"]?.GetValue<string>() != "ExternalName")
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs[0]", newIp ?? "", "may not change once set"));
        }

        return errors;
    }
}
