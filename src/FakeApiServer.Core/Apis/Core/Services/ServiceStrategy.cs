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

        foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
        {
            if (spec[field] is null && oldSpec[field] is { } value)
            {
                spec[field] = value.DeepClone();
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
